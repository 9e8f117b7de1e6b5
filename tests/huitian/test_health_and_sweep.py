"""/healthz, and "the record is the queue": a broker outage delays work, loses nothing."""

import datetime as dt

import pytest
import redis
import time_machine
from django.core import mail
from django.db import connection

from huitian.models import Notification
from huitian.services import notify
from huitian.sweep import register_sweeper, run_sweepers, send_task, unregister_sweeper
from huitian.tasks import deliver_notification_email

pytestmark = pytest.mark.django_db


def test_healthz_tells_anonymous_callers_the_status_only(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_tells_staff_database_and_redis(client_as, cast, settings):
    assert settings.REDIS_URL, "the suite runs against a real Redis"
    body = client_as(cast.community_a1).get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "mode": "redis", "ms": body["broker"]["ms"]}


def test_healthz_hides_details_from_residents(client_as, cast):
    assert client_as(cast.resident).get("/healthz").json() == {"status": "ok"}


def test_healthz_with_redis_stopped_is_degraded_not_down(client, client_as, cast, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded"}
    body = client_as(cast.district).get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False and body["broker"]["detail"] == "ConnectionError"


def test_healthz_with_database_down_is_503(client, monkeypatch):
    from django.db.utils import OperationalError

    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down"}


def test_send_task_really_reaches_redis(settings):
    from huitian.celery import app

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("celery")
    app.conf.task_always_eager = False
    try:
        assert send_task(deliver_notification_email, 123) is True
    finally:
        app.conf.task_always_eager = True
    assert client.llen("celery") == 1
    client.delete("celery")


def test_broker_outage_saves_the_notification_and_the_sweep_sends_it(
    cast, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipients=[cast.street_a], kind="deadline", title="审批即将到期", email=True)
    # The message could not be published, but the row says what is left to do.
    note = Notification.objects.get(pk=rows[0].pk)
    assert note.wants_email and note.email_sent_at is None
    assert mail.outbox == []
    # A minute later the beat sweep picks it up (Redis still down: the sweep runs in the worker).
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)):
        done = run_sweepers(batch_size=100)
    assert done["huitian.notification_emails"] == 1
    assert [m.subject for m in mail.outbox] == ["审批即将到期"]
    note.refresh_from_db()
    assert note.email_sent_at is not None
    # Idempotent: the late message arriving after the sweep sends nothing twice.
    assert deliver_notification_email(note.pk) is False
    assert len(mail.outbox) == 1


def test_with_broker_up_the_task_sends_at_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[cast.street_a], kind="deadline", title="新的吹哨", email=True)
    assert [m.subject for m in mail.outbox] == ["新的吹哨"]


def test_one_failing_sweeper_does_not_stop_the_others():
    calls = []

    @register_sweeper("test.broken")
    def broken(batch_size):
        raise RuntimeError("boom")

    @register_sweeper("test.fine")
    def fine(batch_size):
        calls.append(batch_size)
        return 3

    try:
        done = run_sweepers(batch_size=7)
    finally:
        unregister_sweeper("test.broken")
        unregister_sweeper("test.fine")
    assert done["test.broken"] == -1 and done["test.fine"] == 3 and calls == [7]
