"""Periodic jobs are installed once and then belong to staff; task names follow one rule."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler

from huitian.celery import app as celery_app
from huitian.plugins import declared_schedule

pytestmark = pytest.mark.django_db

TASK_NAME = re.compile(r"^(huitian|registry|procurement|volunteers|credit)\.[a-z][a-z0-9_]*$")


def _project_tasks() -> set[str]:
    celery_app.loader.import_default_modules()
    return {name for name in celery_app.tasks if not name.startswith("celery.")}


def test_install_schedule_creates_every_declared_job_once():
    call_command("install_schedule", verbosity=0)
    declared = declared_schedule()
    assert set(PeriodicTask.objects.values_list("name", flat=True)) >= set(declared)
    assert {"sweep-pending-work", "procurement-compile-needs-list"} <= set(declared)
    count = PeriodicTask.objects.count()
    call_command("install_schedule", verbosity=0)
    assert PeriodicTask.objects.count() == count


def test_staff_edits_survive_beat_start_and_a_second_install(monkeypatch):
    # The scheduler closes "old" connections, which would end the test's transaction.
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)
    call_command("install_schedule", verbosity=0)
    job = PeriodicTask.objects.get(name="procurement-compile-needs-list")
    job.crontab = CrontabSchedule.objects.create(minute="45", hour="2")
    job.enabled = False
    job.save()
    # What `celery beat` does when it starts with the DatabaseScheduler.
    scheduler = DatabaseScheduler(app=celery_app, lazy=False)
    scheduler._finalize.cancel()  # no sync at garbage collection, after the test
    call_command("install_schedule", verbosity=0)
    job.refresh_from_db()
    assert (job.crontab.minute, job.crontab.hour, job.enabled) == ("45", "2", False)


def test_settings_declare_no_beat_schedule_for_beat_to_write_over():
    assert not celery_app.conf.beat_schedule
    assert not getattr(settings, "CELERY_BEAT_SCHEDULE", None)


def test_a_renamed_task_is_repaired_without_touching_the_schedule():
    call_command("install_schedule", verbosity=0)
    job = PeriodicTask.objects.get(name="sweep-pending-work")
    job.task = "huitian.tasks.run_sweepers"  # the name before the naming rule
    job.enabled = False
    job.save()
    call_command("install_schedule", verbosity=0)
    job.refresh_from_db()
    assert job.task == "huitian.run_sweepers" and job.enabled is False


def test_every_declared_job_names_a_registered_task():
    tasks = _project_tasks()
    for name, entry in declared_schedule().items():
        assert entry["task"] in tasks, name


def test_task_names_follow_the_rule():
    wrong = {name for name in _project_tasks() if not TASK_NAME.match(name)}
    assert not wrong, f"task names must be '<app>.<verb_noun>': {sorted(wrong)}"


def test_task_time_limits_stay_below_the_redis_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility
    assert celery_app.conf.task_time_limit == settings.CELERY_TASK_TIME_LIMIT
    for name in _project_tasks():
        limit = celery_app.tasks[name].time_limit
        assert limit is None or limit < visibility, name
