"""Matching candidates (a selector) and confirming one (a service), through the API."""

import pytest
from django.urls import reverse

from huitian.models import Role
from procurement import selectors
from procurement.models import Topic
from procurement.services import lists
from tests.conftest import api_as, make_user
from tests.procurement.factories import NeedFactory, OfferFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def topic_with_needs(n=2):
    for _ in range(n):
        NeedFactory(grouped_at=None, submitter=None)
    lists.group_pending_needs(100)
    return Topic.objects.get()


def test_only_contractors_the_registry_calls_eligible_are_candidates(cast):
    active = OfferFactory().organization
    suspended = OfferFactory(organization=OrganizationFactory(status="suspended")).organization
    topic = topic_with_needs()
    ids = [c.organization.pk for c in selectors.offer_candidates(topic)]
    assert active.pk in ids and suspended.pk not in ids
    r = api_as(cast.community_a1).post(
        f"/api/v1/topics/{topic.pk}/confirm-match/", {"organization": suspended.pk}, format="json"
    )
    assert r.status_code == 409 and r.data["code"] == "not_a_candidate"


def test_confirmed_match_sends_members_and_residents_to_their_pages(cast):
    org = OfferFactory().organization
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    NeedFactory(grouped_at=None, submitter=cast.resident)
    lists.group_pending_needs(100)
    topic = Topic.objects.get()
    r = api_as(cast.community_a1).post(
        f"/api/v1/topics/{topic.pk}/confirm-match/", {"organization": org.pk}, format="json"
    )
    assert r.status_code == 201 and r.data["organization"] == org.pk
    assert r.data["reasons"][0]["factor"] == "category"
    assert member.notifications.get(kind="procurement.match").url == reverse(
        "procurement:assigned-needs"
    )
    need = topic.needs.get()
    assert cast.resident.notifications.filter(
        url=reverse("procurement:need-track", kwargs={"code": need.tracking_code})
    ).exists()
    # Out of area: the topic is not there.
    assert (
        api_as(cast.community_b1)
        .post(f"/api/v1/topics/{topic.pk}/confirm-match/", {"organization": org.pk}, format="json")
        .status_code
        == 404
    )


def test_whistle_response_times_are_read_within_the_callers_reach(cast):
    import datetime

    from django.utils import timezone

    from procurement.services import whistle

    org = OfferFactory().organization
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    call = whistle.raise_whistle_call(
        by=cast.community_a1,
        community=cast.area("110114011001"),
        category=org.offers.get().category,
        problem="漏水",
        urgency=1,
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    whistle.respond_to_call(call_id=call.pk, organization_id=org.pk, by=member, brings="两人")
    url = "/api/v1/whistle-calls/response-times/"
    rows = api_as(cast.street_a).get(url).json()
    assert [(r["organization_id"], r["responses"]) for r in rows] == [(org.pk, 1)]
    assert api_as(cast.community_b1).get(url).json() == []


# --- Creates the app retries: offers, whistle calls, whistle responses ----------------------


def _twice(client, url, body, key="retry-1"):
    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    other = client.post(url, {**body, "brings": "三人"}, format="json", HTTP_IDEMPOTENCY_KEY=key)
    return first, again, other


def test_offer_whistle_call_and_response_creates_are_idempotent(cast):
    import datetime

    from django.utils import timezone

    from procurement.models import Offer, WhistleCall, WhistleResponse

    org = OfferFactory().organization
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    offer = {
        "organization": org.pk,
        "category": "elderly_meals",
        "title": "助餐",
        "description": "午餐配送",
        "areas": ["110114011001"],
        "valid_until": str(timezone.localdate() + datetime.timedelta(days=30)),
    }
    first, again, other = _twice(api_as(member), "/api/v1/offers/", offer)
    assert first.status_code == 201 and again.status_code == 201
    assert again.data == first.data and again["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert Offer.objects.filter(organization=org).count() == 2  # the factory's and one more

    call = {
        "community": "110114011001",
        "category": "elderly_meals",
        "problem": "独居老人午餐无人送",
        "urgency": 2,
        "deadline": str(timezone.localdate() + datetime.timedelta(days=2)),
    }
    first, again, _other = _twice(api_as(cast.community_a1), "/api/v1/whistle-calls/", call)
    assert first.status_code == 201 and again.data == first.data
    assert WhistleCall.objects.count() == 1

    url = f"/api/v1/whistle-calls/{first.data['id']}/respond/"
    body = {"organization": org.pk, "brings": "两人"}
    first, again, other = _twice(api_as(member), url, body)
    assert first.status_code == 201 and again.data == first.data
    assert other.status_code == 422 and other.data["code"] == "idempotency_key_reused"
    assert WhistleResponse.objects.count() == 1
