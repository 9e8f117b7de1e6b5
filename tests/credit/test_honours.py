"""C6 honours: yearly nomination by staff in their areas, selection by the district, a
public roll; an organization's honour is a credit event."""

import pytest
from django.utils import timezone

from credit import services
from credit.models import CreditEvent, Nomination
from huitian.workflow import transitions_of
from tests.conftest import api_as
from tests.credit.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/nominations/"
YEAR = timezone.localdate().year


def test_nominate_select_and_the_public_roll(cast, client):
    org = OrganizationFactory(name="回龙观邻里互助会")
    body = {
        "year": YEAR,
        "kind": "excellent_org",
        "organization": org.pk,
        "grounds": "常年开展助老服务",
    }
    assert api_as(cast.street_b).post(URL, body, format="json").status_code == 403
    assert api_as(cast.resident).post(URL, body, format="json").status_code == 403
    assert api_as(cast.auditor).post(URL, body, format="json").status_code == 403
    r = api_as(cast.street_a).post(URL, body, format="json")
    assert r.status_code == 201, r.content
    nomination_id = r.json()["id"]
    again = api_as(cast.street_a).post(URL, body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_nominated"
    brand = api_as(cast.street_a).post(
        URL, {**body, "kind": "brand_project", "project_name": ""}, format="json"
    )
    assert brand.status_code == 400 and "project_name" in brand.content.decode()
    brand = api_as(cast.street_a).post(
        URL, {**body, "kind": "brand_project", "project_name": "银龄食堂"}, format="json"
    )
    assert brand.status_code == 201
    community = api_as(cast.community_a1).post(
        URL,
        {
            "year": YEAR,
            "kind": "excellent_community",
            "community": cast.area("110114011001").pk,
            "grounds": "协商议事规范",
        },
        format="json",
    )
    assert community.status_code == 201, community.content
    # Out of area: street B sees none of street A's nominations.
    assert api_as(cast.street_b).get(URL).json()["count"] == 0
    # Selection: the district only.
    decide = f"{URL}{nomination_id}/decide/"
    assert api_as(cast.street_a).post(decide, {"select": True}, format="json").status_code == 403
    r = api_as(cast.district).post(decide, {"select": True, "reason": "评审通过"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "selected"
    event = CreditEvent.objects.get(organization=org, kind="honour")
    assert event.effect == 5 and "回龙观邻里互助会" in event.summary
    declined = f"{URL}{brand.json()['id']}/decide/"
    r = api_as(cast.district).post(declined, {"select": False, "reason": ""}, format="json")
    assert r.status_code in (400, 409)  # declining needs a reason
    r = api_as(cast.district).post(declined, {"select": False, "reason": "名额已满"}, format="json")
    assert r.json()["state"] == "not_selected"
    r = api_as(cast.district).post(
        f"{URL}{community.json()['id']}/decide/", {"select": True}, format="json"
    )
    assert r.status_code == 200
    assert CreditEvent.objects.filter(kind="honour").count() == 1  # a community has no credit
    nomination = Nomination.objects.get(pk=nomination_id)
    assert [t.step for t in transitions_of(nomination)] == ["nominate", "select"]
    # The public roll: selected only, page and API, anonymous.
    roll = client.get("/credit/honours/").content.decode()
    assert "回龙观邻里互助会" in roll and "龙博苑社区" in roll and "银龄食堂" not in roll
    data = client.get("/api/v1/credit/honours/").json()
    assert data["count"] == 2
    filtered = client.get("/credit/honours/", {"kind": "excellent_community"}).content.decode()
    assert "回龙观邻里互助会" not in filtered
    # The organization's public credit page names the honour.
    page = client.get(f"/credit/organizations/{org.pk}/").content.decode()
    assert str(YEAR) in page and "honours" in page


def test_nominations_are_for_this_year_or_last(cast):
    org = OrganizationFactory()
    with pytest.raises(Exception) as err:
        services.nominate(
            by=cast.district, year=YEAR - 3, kind="pioneer", organization_id=org.pk, grounds="x"
        )
    assert "year" in str(err.value)


def test_the_roll_page_query_count_does_not_grow_with_the_page(
    cast, client, django_assert_max_num_queries
):
    orgs = [OrganizationFactory() for _ in range(12)]
    for n, org in enumerate(orgs):
        nomination = services.nominate(
            by=cast.district,
            year=YEAR,
            kind="excellent_org",
            organization_id=org.pk,
            grounds=f"理由{n}",
        )
        services.decide_nomination(by=cast.district, nomination_id=nomination.pk, select=True)
    client.get("/credit/honours/")
    with django_assert_max_num_queries(8):
        assert client.get("/credit/honours/").status_code == 200
