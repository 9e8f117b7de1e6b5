"""Lifecycle through the API: every step, every refusal, reopen window, rates and queues."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from huitian.models import Role
from procurement.models import CategoryDeadline, Need
from procurement.services import needs as svc
from tests.conftest import api_as, make_user
from tests.procurement.factories import NeedFactory, OrganizationFactory, category, web_need
from tests.queries import assert_pinned

pytestmark = pytest.mark.django_db


def step(user, need, name, **data):
    return api_as(user).post(f"/api/v1/needs/{need.pk}/{name}/", data, format="json")


def test_happy_path_to_closed_with_rating(cast):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    need = NeedFactory(submitter=cast.resident)
    assert step(cast.community_a1, need, "accept").data["state"] == "accepted"
    r = step(cast.community_a1, need, "assign", organization=org.pk)
    assert r.data["state"] == "assigned" and r.data["assigned_to"]["id"] == org.pk
    assert member.notifications.filter(kind="procurement.need_assigned").exists()
    assert step(member, need, "start").data["state"] == "in_service"
    assert step(member, need, "resolve").data["state"] == "resolved"
    r = step(cast.resident, need, "rate", satisfaction=5, comment="很及时")
    assert r.data["state"] == "closed" and r.data["satisfaction"] == 5
    from huitian.workflow import transitions_of

    assert [t.step for t in transitions_of(need)] == [
        "accept",
        "assign",
        "start",
        "resolve",
        "close",
    ]
    assert cast.resident.notifications.filter(kind="procurement.need").count() >= 3


def test_illegal_step_is_409_with_code(cast):
    need = NeedFactory(submitter=cast.resident)
    r = step(cast.community_a1, need, "resolve")
    assert r.status_code == 409 and r.data["code"] == "illegal_transition"
    r = step(cast.resident, need, "rate", satisfaction=4)
    assert r.status_code == 409


def test_wrong_role_is_403_and_sibling_area_is_404(cast):
    need = NeedFactory(submitter=cast.resident)
    assert step(cast.auditor, need, "accept").status_code == 403
    # A read-only role is refused before any lookup, so the answer says nothing of the need.
    assert step(cast.evaluator, need, "accept").status_code == 403
    assert api_as(cast.evaluator).get(f"/api/v1/needs/{need.pk}/").status_code == 404
    assert step(cast.resident, need, "accept").status_code == 403
    assert step(cast.federation_a, need, "accept").status_code == 403
    assert step(cast.community_b1, need, "accept").status_code == 404
    assert step(cast.street_b, need, "accept").status_code == 404
    assert step(cast.community_a2, need, "accept").status_code == 404
    assert step(cast.street_a, need, "accept").status_code == 200


def test_resident_cannot_rate_someone_elses_need(cast):
    need = NeedFactory(submitter=cast.resident, state="resolved")
    assert step(cast.resident_other, need, "rate", satisfaction=1).status_code == 404


def test_reject_needs_a_reason(cast):
    need = NeedFactory()
    r = step(cast.community_a1, need, "reject", reason="duplicate")
    assert r.status_code == 409 and r.data["code"] == "reason_required"
    r = step(cast.community_a1, need, "reject", reason="bogus", note="x")
    assert r.status_code == 400 and "reason" in r.data["fields"]
    r = step(cast.community_a1, need, "reject", reason="duplicate", note="与12345工单重复")
    assert r.data["state"] == "rejected" and r.data["reject_reason"] == "duplicate"


def test_closed_without_resolution_is_not_resolved(cast):
    need = NeedFactory(submitter=cast.resident)
    step(cast.community_a1, need, "accept")
    r = step(cast.community_a1, need, "close-unresolved", reason="unreachable")
    assert r.status_code == 409
    r = step(cast.community_a1, need, "close-unresolved", reason="unreachable", note="三次电话未接")
    assert r.data["state"] == "closed_unresolved" and r.data["resolved_at"] is None
    today = timezone.localdate()
    rows = (
        api_as(cast.district)
        .get(
            "/api/v1/needs/rates/",
            {"by": "community", "start": today - datetime.timedelta(days=1), "end": today},
        )
        .data["rows"]
    )
    assert rows[0]["resolution_rate"] == 0.0


def test_assign_refuses_area_outside_and_inactive_org(cast):
    need = NeedFactory(state="accepted")
    r = step(cast.street_a, need, "assign", area="110114008001")
    assert r.status_code == 409 and r.data["code"] == "assignee_outside"
    org = OrganizationFactory(status="suspended")
    assert (
        step(cast.street_a, need, "assign", organization=org.pk).data["code"]
        == "organization_inactive"
    )
    assert step(cast.street_a, need, "assign").data["code"] == "assignee_required"
    assert step(cast.street_a, need, "assign", area="110114011001").data["state"] == "assigned"


def test_reopen_within_window_only(cast, settings):
    settings.PROCUREMENT_REOPEN_WORKING_DAYS = 2
    need = NeedFactory(submitter=cast.resident, state="resolved", resolved_at=timezone.now())
    svc.rate_need(need_id=need.pk, satisfaction=2, by=cast.resident)
    r = step(cast.resident, need, "reopen", note="问题又出现了")
    assert r.status_code == 200 and r.data["state"] == "accepted" and r.data["satisfaction"] is None
    need.refresh_from_db()
    svc.close_unresolved(need_id=need.pk, by=cast.community_a1, reason="not_feasible", note="x")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10)):
        r = step(cast.resident, need, "reopen", note="还是没解决")
    assert r.status_code == 409 and r.data["code"] == "reopen_window_passed"


def test_deadlines_follow_category_configuration(cast):
    CategoryDeadline.objects.create(
        category=category("elderly"), response_days=2, resolution_days=5
    )
    need = web_need("送餐", "需要送餐", cat="elderly_meals")
    from huitian.workdays import WorkingCalendar

    cal = WorkingCalendar()
    today = timezone.localdate()
    assert need.response_due == cal.add_working_days(today, 2)
    assert need.resolution_due == cal.add_working_days(today, 5)


def test_queue_shows_overdue_and_near_due(cast):
    today = timezone.localdate()
    late = NeedFactory(response_due=today - datetime.timedelta(days=3))
    near = NeedFactory(response_due=today, resolution_due=today + datetime.timedelta(days=30))
    NeedFactory(
        response_due=today + datetime.timedelta(days=20),
        resolution_due=today + datetime.timedelta(days=30),
    )
    client = api_as(cast.community_a1)
    assert [
        n["id"] for n in client.get("/api/v1/needs/queue/", {"bucket": "overdue"}).data["results"]
    ] == [late.pk]
    assert [
        n["id"] for n in client.get("/api/v1/needs/queue/", {"bucket": "near_due"}).data["results"]
    ] == [near.pk]
    assert client.get("/api/v1/needs/queue/").data["count"] == 3
    # count + page + the working calendar (years, exception days), whatever the rows.
    assert_pinned(
        lambda: client.get("/api/v1/needs/queue/"),
        lambda: NeedFactory.create_batch(5, response_due=today - datetime.timedelta(days=1)),
        expected=4,
    )
    assert client.get("/api/v1/needs/queue/").data["count"] == 8
    assert api_as(cast.resident).get("/api/v1/needs/queue/").status_code == 403


def test_three_rates_by_street_community_category(cast):
    today = timezone.localdate()
    now = timezone.now()
    NeedFactory(
        responded_at=now, response_due=today, resolved_at=now, satisfaction=5, state="closed"
    )
    NeedFactory(
        responded_at=now, response_due=today, resolved_at=now, satisfaction=2, state="closed"
    )
    NeedFactory(
        responded_at=now + datetime.timedelta(days=3), response_due=today, state="in_service"
    )
    NeedFactory(state="rejected", responded_at=now, response_due=today)
    start, end = today - datetime.timedelta(days=1), today
    client = api_as(cast.street_a)
    for by in ("street", "community", "category"):
        rows = client.get("/api/v1/needs/rates/", {"by": by, "start": start, "end": end}).data[
            "rows"
        ]
        assert len(rows) == 1
        row = rows[0]
        assert row["received"] == 4
        assert row["response_rate"] == 75.0
        assert row["resolution_rate"] == round(200 / 3, 1)
        assert row["satisfaction_rate"] == 50.0
    # A sibling street sees nothing of street A.
    assert (
        api_as(cast.street_b).get("/api/v1/needs/rates/", {"start": start, "end": end}).data["rows"]
        == []
    )
    r = client.get("/api/v1/needs/rates/", {"start": end, "end": start})
    assert r.status_code == 400 and "end" in r.data["fields"]


def test_state_filter(cast):
    NeedFactory(state="accepted")
    NeedFactory()
    r = api_as(cast.community_a1).get("/api/v1/needs/", {"state": "accepted"})
    assert r.data["count"] == 1 and r.data["results"][0]["state"] == Need.State.ACCEPTED


# --- The same steps from the admin's need change page ---------------------------------


def _act(client, need, **data):
    return client.post(f"/admin/procurement/need/{need.pk}/act/", data, follow=True)


def test_change_page_offers_the_next_steps_to_the_handler_only(cast, client_as):
    need = NeedFactory()
    html = client_as(cast.community_a1).get(f"/admin/procurement/need/{need.pk}/change/")
    html = html.content.decode()
    assert 'id="need-workflow"' in html and 'value="reject"' in html
    assert 'value="resolve"' not in html  # not possible from "received"
    html = client_as(cast.auditor).get(f"/admin/procurement/need/{need.pk}/change/")
    assert 'id="need-workflow"' not in html.content.decode()


def test_reject_needs_a_reason_then_goes_through_the_service(cast, client_as):
    need = NeedFactory()
    staff = client_as(cast.community_a1)
    r = _act(staff, need, step="reject", note="重复提交")
    assert [m.level_tag for m in r.context["messages"]] == ["error"]
    need.refresh_from_db()
    assert need.state == "received"
    r = _act(staff, need, step="reject", reason="duplicate", note="重复提交")
    need.refresh_from_db()
    assert need.state == "rejected" and need.reject_reason == "duplicate"


def test_accept_assign_resolve_and_close_unresolved_from_the_change_page(cast, client_as):
    need = NeedFactory()
    staff = client_as(cast.community_a1)
    _act(staff, need, step="accept")
    _act(staff, need, step="assign", area=need.community.pk)
    need.refresh_from_db()
    assert need.state == "assigned" and need.assigned_area == need.community
    _act(staff, need, step="close_unresolved", reason="unreachable", note="多次联系不上")
    need.refresh_from_db()
    assert need.state == "closed_unresolved"


def test_auditor_cannot_take_a_step(cast, client_as):
    need = NeedFactory()
    _act(client_as(cast.auditor), need, step="accept")
    need.refresh_from_db()
    assert need.state == "received"


# --- Rules and reasons the service gives every screen ---------------------------------------


def test_step_notes_are_limited_in_the_service(cast):
    from django.core.exceptions import ValidationError

    need = NeedFactory()
    with pytest.raises(ValidationError) as exc:
        svc.accept_need(need_id=need.pk, by=cast.community_a1, note="字" * 1001)
    assert exc.value.error_dict["note"][0].code == "too_long"
    need.refresh_from_db()
    assert need.state == "received"
    r = step(cast.community_a1, need, "accept", note="字" * 1001)
    assert r.status_code == 400 and "note" in r.data["fields"]


def test_why_not_reopen_gives_the_reasons_the_screens_show(cast, settings):
    settings.PROCUREMENT_REOPEN_WORKING_DAYS = 2
    need = NeedFactory(submitter=cast.resident, state="resolved", resolved_at=timezone.now())
    assert len(svc.why_not_reopen(need=need)) == 1  # not closed yet
    svc.rate_need(need_id=need.pk, satisfaction=2, by=cast.resident)
    need.refresh_from_db()
    assert svc.why_not_reopen(need=need) == []
    later = timezone.localdate() + datetime.timedelta(days=10)
    reasons = svc.why_not_reopen(need=need, today=later)
    assert len(reasons) == 1 and str(svc.reopen_deadline(need)) in reasons[0]


def test_assigned_organization_is_sent_to_its_portal_page(cast, client_as):
    from django.urls import reverse

    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    need = NeedFactory(state="accepted")
    assert step(cast.street_a, need, "assign", organization=org.pk).status_code == 200
    notice = member.notifications.get(kind="procurement.need_assigned")
    assert notice.url == reverse("procurement:assigned-needs")
    page = client_as(member).get(notice.url)
    assert page.status_code == 200 and need.title in page.content.decode()


def test_assign_to_an_organization_outside_the_directory_is_a_field_error(cast):
    need = NeedFactory(state="accepted")
    gone = OrganizationFactory(status="deregistered")
    r = step(cast.street_a, need, "assign", organization=gone.pk)
    assert r.status_code == 400 and "organization" in r.data["fields"]
    need.refresh_from_db()
    assert need.state == "accepted"


def test_the_residents_comment_is_limited_in_the_service(cast):
    from django.core.exceptions import ValidationError

    need = NeedFactory(submitter=cast.resident, state="resolved", resolved_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        svc.rate_need(need_id=need.pk, satisfaction=4, comment="好" * 1001, by=cast.resident)
    assert exc.value.error_dict["comment"][0].code == "too_long"
    need.refresh_from_db()
    assert need.state == "resolved" and need.satisfaction is None
