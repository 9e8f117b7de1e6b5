"""Portal pages for organizations and staff: offers, assigned needs, rates, whistle, matching."""

import datetime

import pytest
from django.utils import timezone

from huitian.models import Area, Role
from procurement.models import Need, Offer, Topic, WhistleCall
from procurement.services import lists, whistle
from tests.conftest import make_user
from tests.procurement.factories import NeedFactory, OfferFactory, OrganizationFactory, category

pytestmark = pytest.mark.django_db


def test_member_publishes_offer_from_the_portal(cast, client_as):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    c = client_as(member)
    assert c.get("/offers/new/").status_code == 200
    data = {
        "organization": org.pk,
        "category": category().pk,
        "title": "助餐服务",
        "description": "午餐配送",
        "areas": [Area.objects.get(code="110114011001").pk],
        "capacity_per_month": 20,
        "is_free": "on",
        "valid_until": str(timezone.localdate() + datetime.timedelta(days=30)),
    }
    bad = c.post("/offers/new/", {**data, "valid_until": "2020-01-01"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert c.post("/offers/new/", data).status_code == 302
    assert Offer.objects.get().organization == org
    assert client_as(cast.resident).get("/offers/new/").status_code == 404


def test_assigned_needs_page_masks_contacts(cast, client_as):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    NeedFactory(assigned_org=org, title="派给我们的")
    NeedFactory(title="别人的")
    html = client_as(member).get("/needs/assigned/").content.decode()
    assert "派给我们的" in html and "别人的" not in html
    assert "138****5678" in html and "13812345678" not in html
    assert client_as(cast.resident).get("/needs/assigned/").status_code == 404


def test_rates_page(cast, client_as):
    NeedFactory(satisfaction=5, state="closed", resolved_at=timezone.now())
    html = client_as(cast.street_a).get("/needs/rates/?by=category").content.decode()
    assert "100.0%" in html
    assert client_as(cast.resident).get("/needs/rates/").status_code == 404


def test_whistle_page_respond_and_times(cast, client_as):
    offer = OfferFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=offer.organization)
    call = whistle.raise_whistle_call(
        by=cast.community_a1,
        community=cast.area("110114011001"),
        category=category("dispute_mediation"),
        problem="漏水纠纷",
        urgency=2,
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    c = client_as(member)
    assert "漏水纠纷" in c.get("/whistle/").content.decode()
    r = c.post(
        "/whistle/",
        {"call": call.pk, "organization": offer.organization_id, "brings": "调解员两名"},
    )
    assert r.status_code == 302
    assert call.responses.count() == 1
    html = c.get("/whistle/").content.decode()
    assert offer.organization.name in html
    assert "漏水纠纷" not in client_as(cast.community_b1).get("/whistle/").content.decode()
    assert WhistleCall.objects.count() == 1


def test_candidates_page_and_confirm(cast, client_as):
    offer = OfferFactory()
    NeedFactory(grouped_at=None)
    lists.group_pending_needs(10)
    topic = Topic.objects.get()
    c = client_as(cast.community_a1)
    html = c.get(f"/topics/{topic.pk}/candidates/").content.decode()
    assert offer.organization.name in html and "×" in html
    assert (
        c.post(
            f"/topics/{topic.pk}/candidates/", {"organization": offer.organization_id}
        ).status_code
        == 302
    )
    assert Need.objects.get().assigned_org == offer.organization
    assert client_as(cast.community_b1).get(f"/topics/{topic.pk}/candidates/").status_code == 404
    assert client_as(cast.resident).get(f"/topics/{topic.pk}/candidates/").status_code == 404
