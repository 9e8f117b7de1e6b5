"""C3: an organization appeals its star rating or a list entry; staff decide with reasons."""

import pytest

from credit import services
from credit.models import Appeal, ListEntry
from huitian.models import Role
from huitian.workflow import transitions_of
from tests.conftest import api_as, make_user
from tests.credit.factories import FiledGroupFactory, assert_breakdown, old_organization

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/appeals/"


def setup_org(cast):
    org = old_organization(FiledGroupFactory)
    member = make_user("appeal_member", Role.ORG_MEMBER, organization=org)
    entry = services.enter_list(
        organization_id=org.pk,
        kind="anomaly",
        cause="unreachable",
        legal_basis="第九条第六项",
        by=cast.district,
    )
    services.recompute_star_ratings()
    return org, member, entry


def test_a_member_appeals_a_list_entry_and_an_upheld_appeal_removes_it(cast):
    org, member, entry = setup_org(cast)
    r = api_as(member).post(
        URL, {"list_entry": entry.pk, "grounds": "地址未变，信件被物业代收"}, format="json"
    )
    assert r.status_code == 201, r.content
    appeal = Appeal.objects.get(pk=r.json()["id"])
    again = api_as(member).post(URL, {"list_entry": entry.pk, "grounds": "再次申诉"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_appealed"
    for who, status in (("street_a", 403), ("street_b", 404), ("auditor", 403)):
        r = api_as(getattr(cast, who)).post(
            f"{URL}{appeal.pk}/decide/", {"uphold": True, "reason": "核实有误"}, format="json"
        )
        assert r.status_code == status, (who, r.content)
    no_reason = api_as(cast.district).post(
        f"{URL}{appeal.pk}/decide/", {"uphold": True, "reason": " "}, format="json"
    )
    assert no_reason.status_code in (400, 409)
    r = api_as(cast.district).post(
        f"{URL}{appeal.pk}/decide/",
        {"uphold": True, "reason": "核实：信件由物业代收"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "upheld"
    assert ListEntry.objects.get(pk=entry.pk).state == "removed"
    assert sorted(t.step for t in transitions_of(appeal)) == ["file", "uphold"]
    rating = org.star_ratings.order_by("-pk").first()
    assert_breakdown(rating)


def test_an_appeal_of_another_organizations_rating_is_404(cast):
    org, member, _entry = setup_org(cast)
    other = old_organization(FiledGroupFactory)
    services.recompute_star_ratings()
    theirs = other.star_ratings.get()
    r = api_as(member).post(URL, {"rating": theirs.pk, "grounds": "不服"}, format="json")
    assert r.status_code == 404
    ours = org.star_ratings.order_by("-pk").first()
    r = api_as(member).post(URL, {"rating": ours.pk, "grounds": "活动记录未计入"}, format="json")
    assert r.status_code == 201
    both = api_as(member).post(
        URL, {"rating": ours.pk, "list_entry": _entry.pk, "grounds": "x"}, format="json"
    )
    assert both.status_code == 400
    r = api_as(cast.district).post(
        f"{URL}{r.json()['id']}/decide/", {"uphold": False, "reason": "评分依据无误"}, format="json"
    )
    assert r.status_code == 200 and r.json()["decision"] == "评分依据无误"
    assert [a["id"] for a in api_as(cast.street_b).get(URL).json()["results"]] == []
