"""The organization portal (issue 13, item 7): why we were matched, start and resolve the
needs assigned to us, our offers edited, renewed and withdrawn, the directory's filing
number."""

import datetime

import pytest
from django.utils import timezone

from huitian.models import Area, Role
from huitian.workflow import transitions_of
from procurement.models import Need, Offer, Topic
from procurement.services import lists, matching
from tests.conftest import make_user
from tests.procurement.factories import NeedFactory, OfferFactory, OrganizationFactory, category

pytestmark = pytest.mark.django_db


def _topic_with_candidates():
    mine = OfferFactory(title="我们的助餐服务")
    other = OfferFactory(title="别家的助餐服务")
    NeedFactory(grouped_at=None)
    lists.group_pending_needs(10)
    return Topic.objects.get(), mine, other


def test_member_sees_why_its_organization_is_a_candidate_and_only_its_own(cast, client_as):
    topic, mine, other = _topic_with_candidates()
    member = make_user("member", Role.ORG_MEMBER, organization=mine.organization)
    c = client_as(member)
    r = c.get(f"/topics/{topic.pk}/candidates/")
    assert r.status_code == 200
    html = r.content.decode()
    assert mine.organization.name in html and "×" in html  # the reasons, with weights
    assert other.organization.name not in html
    assert "确认此匹配" not in html and 'name="organization"' not in html
    assert (
        c.post(
            f"/topics/{topic.pk}/candidates/", {"organization": mine.organization_id}
        ).status_code
        == 404
    )
    assert not topic.matches.exists()
    # an organization with nothing to do with the topic: 404, as for residents
    stranger = make_user("stranger", Role.ORG_MEMBER, organization=OrganizationFactory())
    assert client_as(stranger).get(f"/topics/{topic.pk}/candidates/").status_code == 404
    assert client_as(cast.resident).get(f"/topics/{topic.pk}/candidates/").status_code == 404


def test_member_sees_its_confirmed_match_explained(cast, client_as):
    topic, mine, other = _topic_with_candidates()
    matching.confirm_match(
        topic_id=topic.pk, organization_id=mine.organization_id, by=cast.district
    )
    member = make_user("member", Role.ORG_MEMBER, organization=mine.organization)
    html = client_as(member).get(f"/topics/{topic.pk}/candidates/").content.decode()
    assert 'id="match-' in html and mine.organization.name in html and "×" in html
    assigned = client_as(member).get("/needs/assigned/").content.decode()
    assert f"/topics/{topic.pk}/candidates/" in assigned  # "why we were matched"
    loser = make_user("loser", Role.ORG_MEMBER, organization=other.organization)
    # the topic is matched (no more candidates) and the match is not theirs
    assert client_as(loser).get(f"/topics/{topic.pk}/candidates/").status_code == 404


def test_member_starts_and_resolves_an_assigned_need_in_the_portal(cast, client_as):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    need = NeedFactory(assigned_org=org, state=Need.State.ASSIGNED, title="派给我们的")
    c = client_as(member)
    html = c.get("/needs/assigned/").content.decode()
    assert 'value="start"' in html and 'value="resolve"' in html
    r = c.post(
        "/needs/assigned/", {"need": need.pk, "step": "start", "note": "已上门"}, follow=True
    )
    need.refresh_from_db()
    assert need.state == "in_service"
    html = r.content.decode()
    assert 'value="start"' not in html and 'value="resolve"' in html
    c.post("/needs/assigned/", {"need": need.pk, "step": "resolve", "note": "已送餐"})
    need.refresh_from_db()
    assert need.state == "resolved"
    assert [t.step for t in transitions_of(need)][-2:] == ["start", "resolve"]
    assert [t.by for t in transitions_of(need)][-1] == member
    # a second resolve is refused in words by the service, nothing changes
    r = c.post("/needs/assigned/", {"need": need.pk, "step": "resolve"}, follow=True)
    assert any(m.level_tag == "error" for m in r.context["messages"])


def test_member_cannot_act_on_another_organizations_need(cast, client_as):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    NeedFactory(assigned_org=org, state=Need.State.ASSIGNED)
    theirs = NeedFactory(assigned_org=OrganizationFactory(), state=Need.State.ASSIGNED)
    r = client_as(member).post("/needs/assigned/", {"need": theirs.pk, "step": "start"})
    assert r.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "assigned"
    r = client_as(member).post("/needs/assigned/", {"need": "abc", "step": "start"})
    assert r.status_code == 404


def test_member_edits_renews_and_withdraws_its_offers(cast, client_as):
    today = timezone.localdate()
    offer = OfferFactory(title="助餐服务")
    member = make_user("member", Role.ORG_MEMBER, organization=offer.organization)
    c = client_as(member)
    assert "/offers/mine/" in c.get("/offers/").content.decode()
    html = c.get("/offers/mine/").content.decode()
    assert "助餐服务" in html and f"/offers/{offer.pk}/edit/" in html
    data = {
        "organization": offer.organization_id,
        "category": category().pk,
        "title": "助餐与送餐服务",
        "description": "午餐配送到户",
        "areas": [Area.objects.get(code="110114011001").pk],
        "capacity_per_month": 30,
        "is_free": "on",
        "valid_until": str(today + datetime.timedelta(days=90)),
    }
    assert c.get(f"/offers/{offer.pk}/edit/").status_code == 200
    bad = c.post(f"/offers/{offer.pk}/edit/", {**data, "valid_until": "2020-01-01"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert c.post(f"/offers/{offer.pk}/edit/", data).status_code == 302
    offer.refresh_from_db()
    assert offer.title == "助餐与送餐服务" and offer.capacity_per_month == 30
    # renew: a later date than the current one
    later = today + datetime.timedelta(days=200)
    r = c.post(
        "/offers/mine/", {"offer": offer.pk, "do": "renew", "valid_until": str(today)}, follow=True
    )
    assert any(m.level_tag == "error" for m in r.context["messages"])
    c.post("/offers/mine/", {"offer": offer.pk, "do": "renew", "valid_until": str(later)})
    offer.refresh_from_db()
    assert offer.valid_until == later and offer.state == "active"
    c.post("/offers/mine/", {"offer": offer.pk, "do": "withdraw"})
    offer.refresh_from_db()
    assert offer.state == "withdrawn"
    assert [t.step for t in transitions_of(offer)] == ["renew", "withdraw"]
    assert c.get(f"/offers/{offer.pk}/edit/").status_code == 404  # withdrawn: nothing to edit


def test_an_expired_offer_is_renewed_back_onto_the_supply_list(cast, client_as):
    offer = OfferFactory(
        state=Offer.State.EXPIRED, valid_until=timezone.localdate() - datetime.timedelta(days=3)
    )
    member = make_user("member", Role.ORG_MEMBER, organization=offer.organization)
    later = timezone.localdate() + datetime.timedelta(days=30)
    client_as(member).post(
        "/offers/mine/", {"offer": offer.pk, "do": "renew", "valid_until": str(later)}
    )
    offer.refresh_from_db()
    assert offer.state == "active" and offer.valid_until == later


def test_others_cannot_touch_an_offer(cast, client_as):
    offer = OfferFactory()
    stranger = make_user("stranger", Role.ORG_MEMBER, organization=OrganizationFactory())
    c = client_as(stranger)
    assert c.post("/offers/mine/", {"offer": offer.pk, "do": "withdraw"}).status_code == 404
    assert c.get(f"/offers/{offer.pk}/edit/").status_code == 404
    assert client_as(cast.resident).get("/offers/mine/").status_code == 404
    offer.refresh_from_db()
    assert offer.state == "active"


def test_directory_list_shows_the_filing_number(client):
    from tests.registry.factories import FiledGroupFactory

    group = FiledGroupFactory()
    assert group.filing_number
    html = client.get("/organizations/").content.decode()
    assert group.filing_number in html
