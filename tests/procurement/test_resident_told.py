"""Residents are told what staff did: each step, its date and its public note,
on the tracking page, in the app's detail and in the notification (issue 13, item 2)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from huitian.models import Notification
from huitian.workdays import WorkingCalendar
from procurement.selectors import need_rates
from procurement.services import needs as svc
from tests.conftest import api_as
from tests.procurement.factories import web_need

pytestmark = pytest.mark.django_db


def page(need) -> str:
    return Client().get(f"/needs/track/{need.tracking_code}/").content.decode()


def test_reject_note_reaches_page_detail_and_notification(cast):
    need = web_need("楼道堆物", submitter=cast.resident)
    svc.accept_need(need_id=need.pk, by=cast.community_a1, note="内部：已电话核实")
    need.state = "received"  # a rejection comes straight from received
    need.save()
    svc.reject_need(
        need_id=need.pk,
        by=cast.community_a1,
        reason="out_of_scope",
        note="此事属物业职责，请联系物业客服 010-88886666",
    )
    html = page(need)
    assert "请联系物业客服" in html
    assert 'data-testid="resolution-due"' not in html  # no deadline for a rejected need
    detail = api_as(cast.resident).get(f"/api/v1/needs/{need.pk}/").json()
    assert detail["resolution_due"] is None
    reject = next(s for s in detail["progress"] if s["step"] == "reject")
    assert "请联系物业客服" in reject["note"] and reject["at"]
    assert detail["reject_reason_label"] and detail["reject_reason_label"] in reject["note"]
    assert detail["reject_reason_label"] in html
    # Notes staff keep for the record stay out of the resident's view.
    assert "内部" not in html and "内部" not in str(detail["progress"])
    notice = Notification.objects.filter(recipient=cast.resident).order_by("-pk").first()
    assert "请联系物业客服" in notice.body


def test_resolution_and_unresolved_reason_reach_the_resident(cast):
    need = web_need("路灯不亮", submitter=cast.resident)
    svc.accept_need(need_id=need.pk, by=cast.community_a1)
    svc.assign_need(need_id=need.pk, by=cast.community_a1, area=cast.area("110114011001"))
    svc.resolve_need(need_id=need.pk, by=cast.community_a1, note="已更换灯泡，今晚起正常照明")
    html = page(need)
    assert "已更换灯泡" in html
    assert "已更换灯泡" in Notification.objects.filter(recipient=cast.resident).latest("pk").body

    other = web_need("井盖丢失", submitter=cast.resident)
    svc.accept_need(need_id=other.pk, by=cast.community_a1)
    svc.close_unresolved(
        need_id=other.pk, by=cast.community_a1, reason="outside_remit", note="已转市政部门"
    )
    detail = api_as(cast.resident).get(f"/api/v1/needs/{other.pk}/").json()
    closing = detail["progress"][-1]
    assert closing["step"] == "close_unresolved" and "已转市政部门" in closing["note"]
    assert (
        detail["unresolved_reason_label"] and detail["unresolved_reason_label"] in closing["note"]
    )
    notice = Notification.objects.filter(recipient=cast.resident).latest("pk")
    assert "已转市政部门" in notice.body and other.tracking_code in notice.title


def test_reopened_need_says_handled_again_with_a_new_deadline(cast):
    need = web_need("电梯异响", submitter=cast.resident)
    svc.accept_need(need_id=need.pk, by=cast.community_a1)
    svc.assign_need(need_id=need.pk, by=cast.community_a1, area=cast.area("110114011001"))
    svc.resolve_need(need_id=need.pk, by=cast.community_a1, note="已检修")
    svc.rate_need(need_id=need.pk, by=cast.resident, satisfaction=2, comment="还在响")
    first_due = need.resolution_due
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        svc.reopen_need(need_id=need.pk, by=cast.resident, note="电梯还是有异响")
        today = timezone.localdate()
        need.refresh_from_db()
        assert need.state == "accepted" and need.reopen_count == 1
        expected = WorkingCalendar().add_working_days(today, svc.deadlines_for(need.category)[1])
        assert need.resolution_due == expected and need.resolution_due > first_due
        html = page(need)
        assert "重新办理" in html and expected.isoformat() in html
        detail = api_as(cast.resident).get(f"/api/v1/needs/{need.pk}/").json()
        assert detail["public_state_label"] == "重新办理" and detail["reopen_count"] == 1
        assert detail["progress"][-1]["note"] == "电梯还是有异响"

        # The rates: reopened, it was not resolved the first time, even once resolved again.
        svc.assign_need(need_id=need.pk, by=cast.community_a1, area=cast.area("110114011001"))
        svc.resolve_need(need_id=need.pk, by=cast.community_a1, note="更换了导轨")
        fixed = web_need("路面坑洼", submitter=cast.resident)
        svc.accept_need(need_id=fixed.pk, by=cast.community_a1)
        svc.assign_need(need_id=fixed.pk, by=cast.community_a1, area=cast.area("110114011001"))
        svc.resolve_need(need_id=fixed.pk, by=cast.community_a1)
        rows = need_rates(cast.district, start=today - datetime.timedelta(days=5), end=today)
        assert rows[0]["resolution_rate"] == 50.0


def test_my_needs_link_by_code_and_state_in_words(cast):
    earlier = web_need("垃圾没人收", anonymous=True)
    client = Client()
    client.force_login(cast.resident)
    r = client.post("/needs/mine/", {"code": earlier.tracking_code.lower()}, follow=True)
    assert r.status_code == 200 and earlier.title in r.content.decode()
    earlier.refresh_from_db()
    assert earlier.submitter == cast.resident
    r = client.post("/needs/mine/", {"code": "NOPE"})
    assert "没有这个查询码" in r.content.decode()
