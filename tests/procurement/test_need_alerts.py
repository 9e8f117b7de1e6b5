"""Deadline alerts for needs (issue 13, item 13): the handling staff hear once when a
response or resolution deadline nears or passes; kinds read in words."""

import datetime

import pytest
from django.utils import timezone

from huitian.models import Notification
from huitian.workdays import WorkingCalendar
from procurement.models import Need
from procurement.services.alerts import send_need_deadline_alerts
from procurement.sweeps import need_deadline_alerts
from tests.procurement.factories import NeedFactory

pytestmark = pytest.mark.django_db


def _today():
    # a working day, so "near" (within one working day) is well defined in every run
    cal = WorkingCalendar()
    day = timezone.localdate()
    while not cal.is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def test_overdue_response_alerts_the_handling_staff_once(cast):
    today = _today()
    need = NeedFactory(
        state=Need.State.RECEIVED,
        response_due=today - datetime.timedelta(days=3),
        resolution_due=today + datetime.timedelta(days=30),
    )
    NeedFactory(  # far from any deadline: no alert
        state=Need.State.RECEIVED,
        response_due=today + datetime.timedelta(days=10),
        resolution_due=today + datetime.timedelta(days=30),
    )
    assert send_need_deadline_alerts(today=today) == 1
    rows = Notification.objects.filter(kind="procurement.need_response_overdue")
    recipients = {n.recipient for n in rows}
    # community A1's staff and street A's; not another community, not the district
    assert cast.community_a1 in recipients and cast.street_a in recipients
    assert cast.community_a2 not in recipients and cast.district not in recipients
    assert cast.community_b1 not in recipients
    assert need.tracking_code in rows.first().title and "工作日" in rows.first().title
    # again (the beat, the sweeper): nothing more
    assert send_need_deadline_alerts(today=today) == 0
    assert need_deadline_alerts(100) == 0
    assert Notification.objects.filter(kind__startswith="procurement.need_").count() == len(
        recipients
    )


def test_near_then_passed_resolution_deadline_each_once(cast):
    today = _today()
    need = NeedFactory(state=Need.State.ASSIGNED, resolution_due=today, response_due=today)
    assert send_need_deadline_alerts(today=today) == 1
    assert Notification.objects.filter(kind="procurement.need_resolution_near").exists()
    later = today + datetime.timedelta(days=5)
    assert send_need_deadline_alerts(today=later) == 1
    assert send_need_deadline_alerts(today=later) == 0
    assert Notification.objects.filter(kind="procurement.need_resolution_overdue").exists()
    # a closed need is never alerted
    need.state = Need.State.RESOLVED
    need.save()
    Notification.objects.all().delete()
    assert send_need_deadline_alerts(today=later) == 0


def test_the_notification_kind_is_shown_in_words(cast, client_as):
    today = _today()
    NeedFactory(state=Need.State.RECEIVED, response_due=today - datetime.timedelta(days=2))
    send_need_deadline_alerts(today=today)
    html = client_as(cast.community_a1).get("/notifications/").content.decode()
    assert "响应已超期" in html and "procurement.need_response_overdue" not in html
    admin = client_as(cast.community_a1).get("/admin/huitian/notification/").content.decode()
    assert "响应已超期" in admin


def test_beat_entry_and_task_are_declared():
    from procurement.schedule import BEAT_SCHEDULE
    from procurement.tasks import need_deadline_alerts as task

    assert BEAT_SCHEDULE["procurement-need-deadline-alerts"]["task"] == task.name
