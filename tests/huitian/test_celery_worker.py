"""Celery as deployed: a real worker (not eager) on Redis, and a real `celery beat`.

These tests commit their data (the worker and beat use their own database
connections), so they restore the session's reference data afterwards.
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from huitian import services
from huitian.celery import app as celery_app
from huitian.models import Category
from huitian.taxonomy import seed_categories
from tests.conftest import api_as

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
NEEDS = "/api/v1/needs/"


def _forget_cached_reference_data():
    from huitian.access import forget_area_tree
    from procurement import refdata

    forget_area_tree()
    refdata.clear()


@pytest.fixture(autouse=True)
def _restore_reference_data():
    _forget_cached_reference_data()
    yield
    # A transactional test empties every table; put back what the session loaded.
    services.load_areas()
    services.seed_calendar_from_package()
    seed_categories(Category)
    _forget_cached_reference_data()


@pytest.fixture
def worker(settings):
    """A Celery worker thread consuming from the suite's Redis, tasks not eager."""
    from celery.contrib.testing.worker import start_worker

    assert settings.REDIS_URL.startswith("redis://"), "the suite runs against a real Redis"
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = settings.REDIS_URL
    celery_app.loader.import_default_modules()
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ) as running:
            yield running
    finally:
        celery_app.conf.task_always_eager = saved


def _wait_for(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _need(**extra):
    return {
        "community": "110114011001",
        "category": "elderly_meals",
        "title": "老年餐桌午饭不够",
        "text": "三号楼老年餐桌中午饭菜经常不够，高龄老人吃不上午饭",
        "contact_name": "王秀英",
        "contact_phone": "13812345678",
        **extra,
    }


def test_a_need_submitted_through_the_api_is_grouped_by_the_worker(worker, cast):
    from procurement.models import Need
    from procurement.services.needs import intake

    intake._last_kick = 0.0  # the submission publishes its "group now" message
    response = api_as(cast.resident).post(NEEDS, _need(), format="json")
    assert response.status_code == 201, response.content
    need = Need.objects.get(pk=response.data["id"])
    assert _wait_for(lambda: Need.objects.filter(pk=need.pk, topic__isnull=False).exists())
    need.refresh_from_db()
    assert need.grouped_at is not None and "老年" in need.tokens


def test_the_installed_periodic_sweep_runs_on_the_worker(worker, cast):
    from procurement.models import Need
    from procurement.services.needs import intake

    intake._last_kick = time.monotonic()  # no "group now" message: only the sweep can
    response = api_as(cast.resident).post(NEEDS, _need(), format="json")
    need_id = response.data["id"]
    time.sleep(0.5)
    assert Need.objects.get(pk=need_id).grouped_at is None
    call_command("install_schedule", verbosity=0)
    job = PeriodicTask.objects.get(name="sweep-pending-work")
    # What beat sends when the job is due: the task name stored in the table.
    celery_app.send_task(job.task)
    assert _wait_for(lambda: Need.objects.filter(pk=need_id, grouped_at__isnull=False).exists())


def test_an_edited_schedule_survives_a_real_beat_restart(tmp_path, settings):
    call_command("install_schedule", verbosity=0)
    job = PeriodicTask.objects.get(name="sweep-pending-work")
    job.interval = IntervalSchedule.objects.create(every=7, period=IntervalSchedule.MINUTES)
    job.enabled = False
    job.save()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "huitian", "beat", "--loglevel", "INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # Read its log as it comes: on a loaded machine beat may take many seconds to start,
    # so wait for the line that says it did (or for it to exit) instead of a fixed sleep.
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(beat.stdout), daemon=True)
    reader.start()
    try:
        _wait_for(lambda: beat.poll() is not None or "beat: Starting" in "".join(lines), 60)
        assert beat.poll() is None, "beat exited early:\n" + "".join(lines)
    finally:
        beat.terminate()
        beat.wait(timeout=20)
        reader.join(timeout=5)
    log = "".join(lines)
    assert "beat: Starting" in log, log
    assert "DatabaseScheduler" in log, log
    job.refresh_from_db()
    assert (job.interval.every, job.interval.period, job.enabled) == (7, "minutes", False)
    # A second install after the restart keeps the staff's version too.
    call_command("install_schedule", verbosity=0)
    job.refresh_from_db()
    assert (job.interval.every, job.enabled) == (7, False)
