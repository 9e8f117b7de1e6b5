"""Supply list, expiry, matching with reasons, confirmation assigns needs."""

import datetime

import pytest
from django.utils import timezone

from huitian.models import Area, Role
from procurement.models import Need, Offer, Topic
from procurement.services import lists
from procurement.services.offers import expire_offers
from tests.conftest import api_as, make_user
from tests.procurement.factories import (
    NeedFactory,
    OfferFactory,
    OrganizationFactory,
    category,
    community,
)

pytestmark = pytest.mark.django_db


def offer_body(org, **over):
    data = {
        "organization": org.pk,
        "category": "elderly_meals",
        "title": "老年餐桌送餐",
        "description": "为高龄老人送午餐",
        "areas": ["110114011001"],
        "capacity_per_month": 30,
        "valid_until": str(timezone.localdate() + datetime.timedelta(days=90)),
    }
    data.update(over)
    return data


def test_member_publishes_offer_others_cannot(cast):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    r = api_as(member).post("/api/v1/offers/", offer_body(org), format="json")
    assert r.status_code == 201, r.content
    assert r.data["areas"][0]["code"] == "110114011001"
    assert (
        api_as(cast.community_a1)
        .post("/api/v1/offers/", offer_body(org), format="json")
        .status_code
        == 403
    )
    assert (
        api_as(cast.resident).post("/api/v1/offers/", offer_body(org), format="json").status_code
        == 403
    )


@pytest.mark.parametrize(
    "over,field",
    [
        ({"areas": []}, "areas"),
        ({"valid_until": "2020-01-01"}, "valid_until"),
        ({"is_free": False}, "price_min"),
        ({"is_free": False, "price_min": "50", "price_max": "10"}, "price_max"),
        ({"category": "nope"}, "category"),
    ],
)
def test_offer_validation(cast, over, field):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    r = api_as(member).post("/api/v1/offers/", offer_body(org, **over), format="json")
    assert r.status_code == 400 and field in r.data["fields"], r.data


def test_public_offers_filters_and_query_count(api, cast, django_assert_num_queries):
    a = OfferFactory()
    b = OfferFactory(category=category("greening"))
    b.areas.set([community("110114008001")])
    OfferFactory(state="withdrawn")
    assert api.get("/api/v1/offers/").data["count"] == 2
    assert [
        o["id"] for o in api.get("/api/v1/offers/", {"category": "elderly"}).data["results"]
    ] == [a.pk]
    assert [
        o["id"] for o in api.get("/api/v1/offers/", {"area": "110114008001"}).data["results"]
    ] == [b.pk]
    assert [o["id"] for o in api.get("/api/v1/offers/", {"area": "110114011"}).data["results"]] == [
        a.pk
    ]
    with django_assert_num_queries(3):
        api.get("/api/v1/offers/")
    OfferFactory.create_batch(4)
    with django_assert_num_queries(3):
        assert api.get("/api/v1/offers/").data["count"] == 6


def test_expiry_warns_then_expires(cast):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    today = timezone.localdate()
    offer = OfferFactory(organization=org, valid_until=today + datetime.timedelta(days=3))
    assert expire_offers(today=today) == {"warned": 1, "expired": 0}
    assert expire_offers(today=today) == {"warned": 0, "expired": 0}
    assert member.notifications.filter(kind="procurement.offer_expiring").count() == 1
    assert expire_offers(today=today + datetime.timedelta(days=4))["expired"] == 1
    offer.refresh_from_db()
    assert offer.state == Offer.State.EXPIRED


def test_withdraw(cast):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    offer = OfferFactory(organization=org)
    assert api_as(cast.resident).post(f"/api/v1/offers/{offer.pk}/withdraw/").status_code == 403
    assert api_as(member).post(f"/api/v1/offers/{offer.pk}/withdraw/").status_code == 200
    assert api_as(member).post(f"/api/v1/offers/{offer.pk}/withdraw/").status_code == 409


def topic_with_needs(n=2):
    for _ in range(n):
        NeedFactory(grouped_at=None, submitter=None)
    lists.group_pending_needs(100)
    return Topic.objects.get()


def test_candidates_ranked_with_reasons(cast):
    topic = topic_with_needs()
    here = OfferFactory()  # serves community A1
    street = OfferFactory()
    street.areas.set([Area.objects.get(code="110114011")])
    far = OfferFactory()
    far.areas.set([community("110114008001")])
    r = api_as(cast.community_a1).get(f"/api/v1/topics/{topic.pk}/candidates/")
    order = [c["organization"]["id"] for c in r.data["candidates"]]
    assert order == [here.organization_id, street.organization_id, far.organization_id]
    reasons = {x["factor"]: x for x in r.data["candidates"][0]["reasons"]}
    assert set(reasons) == {"category", "area", "capacity", "credit", "record"}
    assert reasons["credit"]["value"] == 0.5  # neutral until the credit app rates
    assert (
        api_as(cast.community_b1).get(f"/api/v1/topics/{topic.pk}/candidates/").status_code == 404
    )


def test_past_record_and_capacity_count(cast):
    topic = topic_with_needs()
    good, busy = OfferFactory(capacity_per_month=10), OfferFactory(capacity_per_month=10)
    for _ in range(3):
        NeedFactory(
            assigned_org=good.organization,
            state="closed",
            resolved_at=timezone.now(),
            satisfaction=5,
            grouped_at=timezone.now(),
        )
    for _ in range(8):
        NeedFactory(assigned_org=busy.organization, state="in_service", grouped_at=timezone.now())
    from procurement.selectors import offer_candidates

    cands = offer_candidates(topic)
    assert cands[0].organization == good.organization
    busy_capacity = next(r for r in cands[1].reasons if r["factor"] == "capacity")
    assert busy_capacity["value"] == 0.2


def test_confirm_match_assigns_needs_and_notifies(cast):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    offer = OfferFactory(organization=org)
    topic = topic_with_needs(3)
    client = api_as(cast.community_a1)
    url = f"/api/v1/topics/{topic.pk}/confirm-match/"
    assert (
        api_as(cast.auditor).post(url, {"organization": org.pk}, format="json").status_code == 403
    )
    other = OrganizationFactory()
    assert (
        client.post(url, {"organization": other.pk}, format="json").data["code"]
        == "not_a_candidate"
    )
    r = client.post(url, {"organization": org.pk, "offer": offer.pk}, format="json")
    assert r.status_code == 201 and r.data["reasons"]
    assert set(Need.objects.values_list("state", "assigned_org_id")) == {("assigned", org.pk)}
    assert member.notifications.filter(kind="procurement.match").exists()
    assert Topic.objects.get().state == "matched"
    assert client.post(url, {"organization": org.pk}, format="json").status_code == 409
    # The organization now sees the needs it serves, with contacts masked.
    rows = api_as(member).get("/api/v1/needs/").data["results"]
    assert len(rows) == 3 and rows[0]["contact_phone"] == "138****5678"


def test_expiry_beat_task(cast):
    from procurement.tasks import expire_offers as task

    OfferFactory(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert task.delay().get()["expired"] == 1
    assert Offer.objects.get().state == "expired"


def test_withdraw_action_in_the_admin_uses_the_service(cast, client_as):
    from huitian.models import User
    from huitian.workflow import transitions_of
    from tests.procurement.factories import OfferFactory

    offer = OfferFactory()
    root = User.objects.create_superuser("root", "root@example.cn", "x-very-long-pass-1")
    r = client_as(cast.district).post(
        "/admin/procurement/offer/",
        {"action": "withdraw_selected", "_selected_action": [offer.pk]},
        follow=True,
    )
    # not its organization: the step is not offered to staff, and forcing it does nothing
    assert r.status_code == 200
    page = client_as(cast.district).get("/admin/procurement/offer/").content.decode()
    assert 'value="withdraw_selected"' not in page
    offer.refresh_from_db()
    assert offer.state == "active"
    client_as(root).post(
        "/admin/procurement/offer/",
        {"action": "withdraw_selected", "_selected_action": [offer.pk]},
    )
    offer.refresh_from_db()
    assert offer.state == "withdrawn"
    assert [(t.step, t.by) for t in transitions_of(offer)] == [("withdraw", root)]
