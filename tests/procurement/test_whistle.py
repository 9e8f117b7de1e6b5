"""Whistle calls: raise, notify covering organizations, respond, select, response times."""

import datetime

import pytest
from django.utils import timezone

from huitian.models import Area, Role
from tests.conftest import api_as, make_user
from tests.procurement.factories import OfferFactory, OrganizationFactory, community

pytestmark = pytest.mark.django_db


def body(**over):
    data = {
        "community": "110114011001",
        "category": "dispute_mediation",
        "problem": "楼上楼下漏水纠纷，需要调解",
        "urgency": 2,
        "deadline": str(timezone.localdate() + datetime.timedelta(days=3)),
    }
    data.update(over)
    return data


@pytest.fixture
def orgs(cast):
    near = OfferFactory().organization  # offer serves community A1
    by_area = OrganizationFactory()
    by_area.service_areas.set([Area.objects.get(code="110114011")])
    far = OfferFactory().organization
    OfferFactory(organization=far).areas.set([community("110114008001")])
    far.offers.exclude(areas__code="110114008001").delete()
    members = {
        o.pk: make_user(f"m{o.pk}", Role.ORG_MEMBER, organization=o) for o in (near, by_area, far)
    }
    return near, by_area, far, members


def test_whistle_flow(cast, orgs):
    near, by_area, far, members = orgs
    r = api_as(cast.community_a1).post("/api/v1/whistle-calls/", body(), format="json")
    assert r.status_code == 201, r.content
    call_id = r.data["id"]
    assert members[near.pk].notifications.filter(kind="procurement.whistle").exists()
    assert members[by_area.pk].notifications.filter(kind="procurement.whistle").exists()
    assert not members[far.pk].notifications.exists()
    url = f"/api/v1/whistle-calls/{call_id}/"
    assert (
        api_as(members[far.pk])
        .post(url + "respond/", {"organization": far.pk, "brings": "x"}, format="json")
        .status_code
        == 404
    )
    r = api_as(members[near.pk]).post(
        url + "respond/", {"organization": near.pk, "brings": "两名调解员"}, format="json"
    )
    assert r.status_code == 201 and r.data["response_minutes"] == 0
    assert (
        api_as(members[near.pk])
        .post(url + "respond/", {"organization": near.pk, "brings": "再来"}, format="json")
        .status_code
        == 409
    )
    assert (
        api_as(members[near.pk])
        .post(url + "respond/", {"organization": by_area.pk, "brings": "x"}, format="json")
        .status_code
        == 403
    )
    r2 = api_as(members[by_area.pk]).post(
        url + "respond/", {"organization": by_area.pk, "brings": "法律顾问"}, format="json"
    )
    assert r2.status_code == 201
    assert (
        api_as(cast.community_a2)
        .post(url + "select/", {"responses": [r.data["id"]]}, format="json")
        .status_code
        == 404
    )
    assert (
        api_as(cast.auditor)
        .post(url + "select/", {"responses": [r.data["id"]]}, format="json")
        .status_code
        == 403
    )
    r = api_as(cast.community_a1).post(
        url + "select/", {"responses": [r.data["id"]]}, format="json"
    )
    assert r.status_code == 200 and r.data["state"] == "selected"
    assert [x["selected"] for x in r.data["responses"]] == [True, False]
    assert members[near.pk].notifications.filter(kind="procurement.whistle_selected").exists()
    assert (
        api_as(members[by_area.pk])
        .post(url + "respond/", {"organization": by_area.pk, "brings": "x"}, format="json")
        .status_code
        == 409
    )
    times = api_as(cast.street_a).get("/api/v1/whistle-calls/response-times/").data
    assert {t["organization_id"] for t in times} == {near.pk, by_area.pk}


def test_raise_refusals(cast):
    assert (
        api_as(cast.resident).post("/api/v1/whistle-calls/", body(), format="json").status_code
        == 403
    )
    # Staff who raise calls elsewhere: the community is the wrong choice, said beside it.
    r = api_as(cast.community_b1).post("/api/v1/whistle-calls/", body(), format="json")
    assert r.status_code == 400 and list(r.data["fields"]) == ["community"], r.data
    assert r.data["fields"]["community"] == ["只能为本人辖区内的社区吹哨。"]
    r = api_as(cast.community_a1).post(
        "/api/v1/whistle-calls/", body(deadline="2020-01-01"), format="json"
    )
    assert r.status_code == 400 and "deadline" in r.data["fields"]


def test_list_scoped_and_query_count(cast, orgs, django_assert_num_queries):
    near, _by_area, far, members = orgs
    api_as(cast.community_a1).post("/api/v1/whistle-calls/", body(), format="json")
    assert api_as(cast.community_b1).get("/api/v1/whistle-calls/").data["count"] == 0
    assert api_as(members[far.pk]).get("/api/v1/whistle-calls/").data["count"] == 0
    client = api_as(members[near.pk])
    assert client.get("/api/v1/whistle-calls/").data["count"] == 1
    client.get("/api/v1/whistle-calls/")
    with django_assert_num_queries(3):
        client.get("/api/v1/whistle-calls/")
    for _ in range(3):
        api_as(cast.community_a1).post("/api/v1/whistle-calls/", body(), format="json")
    with django_assert_num_queries(3):
        assert client.get("/api/v1/whistle-calls/").data["count"] == 4


def test_closing_a_call_in_the_admin_goes_through_the_service(cast, client_as):
    from huitian.workflow import transitions_of
    from procurement.models import WhistleCall
    from procurement.services.whistle import raise_whistle_call
    from tests.procurement.factories import category

    call = raise_whistle_call(
        by=cast.community_a1,
        community=community(),
        category=category(),
        problem="积水",
        urgency=1,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    url = f"/admin/procurement/whistlecall/{call.pk}/"
    assert "/close/" in client_as(cast.community_a1).get(url + "change/").content.decode()
    assert "/close/" not in client_as(cast.auditor).get(url + "change/").content.decode()
    client_as(cast.community_b1).post(url + "close/", {"note": "别人的"})
    client_as(cast.auditor).post(url + "close/", {"note": "只读"})
    assert WhistleCall.objects.get(pk=call.pk).state == "open"
    r = client_as(cast.community_a1).post(url + "close/", {"note": "已处理"}, follow=True)
    assert [m.level_tag for m in r.context["messages"]] == ["success"]
    assert WhistleCall.objects.get(pk=call.pk).state == "closed"
    assert [t.step for t in transitions_of(call)] == ["raise", "close"]
    # The change form itself writes nothing: a call moves only by its steps.
    r = client_as(cast.community_a1).post(url + "change/", {"problem": "改了"})
    assert r.status_code == 403 and WhistleCall.objects.get(pk=call.pk).problem == "积水"
