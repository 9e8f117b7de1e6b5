"""C5 public voice: residents rate and complain (one per need or activity they took part
in); a complaint counts only once verified; a spike notifies the supervising staff."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from credit import selectors, services
from credit.models import Complaint, CreditEvent, ServiceReview
from huitian.models import Notification, Role
from tests.conftest import api_as, make_user
from tests.credit.factories import FiledGroupFactory, assert_breakdown, old_organization
from tests.procurement.factories import NeedFactory

pytestmark = pytest.mark.django_db
REVIEWS = "/api/v1/credit/reviews/"
COMPLAINTS = "/api/v1/credit/complaints/"


def handled(resident, org, **extra):
    """A need of `resident` that `org` handled (resolved, rated 4 of 5 by the resident)."""
    return NeedFactory(
        submitter=resident,
        assigned_org=org,
        resolved_at=timezone.now(),
        satisfaction=4,
        **extra,
    )


def test_a_resident_rates_once_per_need_they_had_handled(cast):
    org = old_organization(FiledGroupFactory)
    need = handled(cast.resident, org)
    body = {"need": need.pk, "rating": 5, "comment": "上门及时，态度很好"}
    r = api_as(cast.resident).post(REVIEWS, body, format="json")
    assert r.status_code == 201, r.content
    assert r.json()["organization"] == org.pk
    again = api_as(cast.resident).post(REVIEWS, body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    # Another resident did not submit that need: refused, nothing written.
    other = api_as(cast.resident_other).post(REVIEWS, body, format="json")
    assert other.status_code == 409 and other.json()["code"] == "not_taken_part"
    # A need nobody handled cannot be rated.
    unhandled = NeedFactory(submitter=cast.resident)
    r = api_as(cast.resident).post(REVIEWS, {"need": unhandled.pk, "rating": 3}, format="json")
    assert r.status_code == 409
    for bad in (
        {"need": need.pk, "rating": 6},
        {"rating": 3},
        {"need": need.pk, "activity": 1, "rating": 3},
    ):
        assert api_as(cast.resident).post(REVIEWS, bad, format="json").status_code == 400
    assert api_as(None).post(REVIEWS, body, format="json").status_code in (401, 403)
    assert ServiceReview.objects.count() == 1
    page = selectors.public_voice(org)
    assert page == {"ratings": 1, "average": 5.0, "verified_complaints": 0}


def test_a_resident_rates_an_activity_they_took_part_in(cast):
    from tests.volunteers.factories import activity, volunteer
    from volunteers import services as volunteer_services

    org = old_organization(FiledGroupFactory)
    member = make_user("act_member", Role.ORG_MEMBER, organization=org)
    act = activity(member, organization=org)
    volunteer(cast.resident)
    volunteer_services.sign_up(activity_id=act.pk, by=cast.resident)
    r = api_as(cast.resident).post(REVIEWS, {"activity": act.pk, "rating": 4}, format="json")
    assert r.status_code == 201, r.content
    r = api_as(cast.resident_other).post(REVIEWS, {"activity": act.pk, "rating": 1}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_taken_part"


def test_a_complaint_counts_only_once_verified_and_then_lowers_the_stars(cast):
    org = old_organization(FiledGroupFactory)
    need = handled(cast.resident, org)
    services.recompute_star_ratings(organization_ids=[org.pk])
    before = org.star_ratings.order_by("-pk").first()
    assert before.stars == 3
    r = api_as(cast.resident).post(
        COMPLAINTS, {"need": need.pk, "text": "约好的上门服务无人到场"}, format="json"
    )
    assert r.status_code == 201 and r.json()["state"] == "submitted"
    complaint_id = r.json()["id"]
    # Not verified: no event, the stars do not move, the public count stays at zero.
    assert services.recompute_star_ratings(organization_ids=[org.pk]) == 0
    assert not CreditEvent.objects.filter(organization=org, kind="complaint").exists()
    assert selectors.public_voice(org)["verified_complaints"] == 0
    # Who decides: supervising staff of the organization's area.
    url = f"{COMPLAINTS}{complaint_id}/decide/"
    verdict = {"verified": True, "reason": "电话回访核实属实"}
    assert api_as(cast.street_b).post(url, verdict, format="json").status_code == 404
    assert api_as(cast.community_a1).post(url, verdict, format="json").status_code == 403
    assert api_as(cast.auditor).post(url, verdict, format="json").status_code == 403
    assert api_as(cast.resident).post(url, verdict, format="json").status_code == 403
    no_reason = api_as(cast.street_a).post(url, {"verified": True, "reason": " "}, format="json")
    assert no_reason.status_code == 400
    r = api_as(cast.street_a).post(url, verdict, format="json")
    assert r.status_code == 200 and r.json()["state"] == "verified"
    event = CreditEvent.objects.get(organization=org, kind="complaint")
    assert event.effect == -10
    services.recompute_star_ratings(organization_ids=[org.pk])
    after = org.star_ratings.order_by("-pk").first()
    assert_breakdown(after)
    assert after.stars == 2 and after.score < before.score
    service = next(row for row in after.breakdown if row["component"] == "service")
    assert "1" in service["why"]
    assert selectors.public_voice(org)["verified_complaints"] == 1
    # Decided once.
    assert api_as(cast.street_a).post(url, verdict, format="json").status_code == 409


def test_a_rejected_complaint_never_counts(cast):
    org = old_organization(FiledGroupFactory)
    need = handled(cast.resident, org)
    complaint = services.file_complaint(by=cast.resident, need_id=need.pk, text="不满意")
    services.decide_complaint(
        by=cast.street_a, complaint_id=complaint.pk, verified=False, reason="经核实已按约服务"
    )
    assert Complaint.objects.get(pk=complaint.pk).state == "rejected"
    assert not CreditEvent.objects.filter(organization=org, kind="complaint").exists()
    assert selectors.public_voice(org)["verified_complaints"] == 0


def test_a_spike_of_verified_complaints_notifies_the_supervising_staff_once(cast):
    org = old_organization(FiledGroupFactory)
    today = timezone.localdate()
    complaints = [
        services.file_complaint(
            by=cast.resident, need_id=handled(cast.resident, org).pk, text=f"第{n}次投诉"
        )
        for n in range(5)
    ]

    def verify(c, day):
        services.decide_complaint(
            by=cast.street_a, complaint_id=c.pk, verified=True, reason="属实", today=day
        )

    spikes = Notification.objects.filter(kind="credit.complaint_spike")
    verify(complaints[0], today - datetime.timedelta(days=8))  # outside the window
    verify(complaints[1], today - datetime.timedelta(days=3))
    verify(complaints[2], today)
    assert not spikes.exists()  # two inside seven days
    verify(complaints[3], today)
    assert set(spikes.values_list("recipient__username", flat=True)) == {"district", "street_a"}
    verify(complaints[4], today)
    assert spikes.count() == 2  # once per window
    # The threshold is a setting.
    settings = selectors.credit_settings()
    assert (settings.complaint_spike_count, settings.complaint_spike_days) == (3, 7)


def test_the_resident_rates_and_complains_on_the_portal(cast, client_as):
    org = old_organization(FiledGroupFactory, name="回龙观助老服务社")
    need = handled(cast.resident, org)
    client = client_as(cast.resident)
    page = client.get("/credit/voice/")
    assert page.status_code == 200 and "回龙观助老服务社" in page.content.decode()
    r = client.post(
        "/credit/voice/", {"subject": f"need:{need.pk}", "rating": "4", "action": "rate"}
    )
    assert r.status_code == 302
    again = client.post(
        "/credit/voice/", {"subject": f"need:{need.pk}", "rating": "4", "action": "rate"}
    )
    assert again.status_code == 200 and "您已评价过这项服务" in again.content.decode()
    r = client.post(
        "/credit/voice/",
        {"subject": f"need:{need.pk}", "text": "服务人员迟到两小时", "action": "complain"},
    )
    assert r.status_code == 302
    assert Complaint.objects.get(organization=org).state == "submitted"
    # Someone else's need is not even a choice.
    other = client_as(cast.resident_other).post(
        "/credit/voice/", {"subject": f"need:{need.pk}", "rating": "1", "action": "rate"}
    )
    assert other.status_code == 200 and ServiceReview.objects.count() == 1
    assert Client().get("/credit/voice/").status_code == 302  # sign in first
