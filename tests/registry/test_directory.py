"""The public directory (API and page), contractor eligibility, party coverage."""

import datetime

import pytest
from django.utils import timezone

from huitian.models import Category
from registry import selectors
from tests.conftest import api_as
from tests.registry.factories import (
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


URL = "/api/v1/organizations/"


def names(response):
    return sorted(row["name"] for row in response.json()["results"])


def test_filters(cast, api):
    a = OrganizationFactory(name="甲助老中心", legal_form="social_service")
    a.categories.set([Category.objects.get(code="elderly_care")])
    b = OrganizationFactory(
        name="乙文体协会", legal_form="social_group", home_area=cast.area("110114008001")
    )
    b.service_areas.set([cast.area("110114011002")])
    OrganizationFactory(name="丙已注销", status="deregistered")
    assert names(api.get(URL)) == ["乙文体协会", "甲助老中心"]
    assert names(api.get(URL, {"legal_form": "social_group"})) == ["乙文体协会"]
    # a group category includes its sub-categories
    assert names(api.get(URL, {"category": "elderly"})) == ["甲助老中心"]
    street_b = cast.area("110114008").pk
    assert names(api.get(URL, {"area": street_b})) == ["乙文体协会"]
    # a service area inside the street counts too
    assert names(api.get(URL, {"area": cast.area("110114011").pk})) == ["乙文体协会", "甲助老中心"]
    assert names(api.get(URL, {"status": "deregistered"})) == ["丙已注销"]
    assert names(api.get(URL, {"search": "助老"})) == ["甲助老中心"]
    assert names(api.get(URL, {"search": a.uscc.lower()})) == ["甲助老中心"]
    assert api.get(URL, {"legal_form": "bogus"}).status_code == 400


def test_detail_masks_the_phone_for_the_public(cast, api):
    org = OrganizationFactory(contact_phone="13812345678")
    assert api.get(f"{URL}{org.pk}/").json()["contact_phone"] == "138****5678"
    assert api_as(cast.street_a).get(f"{URL}{org.pk}/").json()["contact_phone"] == "13812345678"


def test_list_query_count_does_not_grow(cast, api, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            org = OrganizationFactory()
            org.categories.set(Category.objects.filter(code__in=["elderly", "dance"]))
            org.service_areas.set([cast.area("110114011001")])

    add(2)
    with django_assert_num_queries(4):  # count, page, categories, service areas
        assert api.get(URL).status_code == 200
    add(10)
    with django_assert_num_queries(4):
        assert len(api.get(URL).json()["results"]) == 12


def test_directory_page_and_org_page(cast, client):
    org = OrganizationFactory(name="丁社工站")
    r = client.get("/organizations/", {"q": "社工"})
    assert r.status_code == 200 and "丁社工站" in r.content.decode()
    r = client.get(f"/organizations/{org.pk}/")
    assert r.status_code == 200 and org.uscc in r.content.decode()


def test_directory_page_query_count(cast, client, django_assert_num_queries):
    for _ in range(3):
        OrganizationFactory()
    with django_assert_num_queries(6):
        client.get("/organizations/")
    for _ in range(10):
        OrganizationFactory()
    with django_assert_num_queries(6):
        client.get("/organizations/")


def test_eligible_contractors(cast):
    ok = OrganizationFactory()
    OrganizationFactory(status="suspended")
    filed = OrganizationFactory(uscc=None, registration_level="filed", legal_form="community_group")
    OrganizationFactory(legal_form="social_enterprise")  # not certified
    cert = OrganizationFactory(
        legal_form="social_enterprise",
        certificate_number="HTSE-1",
        certified_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    OrganizationFactory(
        legal_form="social_enterprise",
        certificate_number="HTSE-2",
        certified_until=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert set(selectors.eligible_contractors()) == {ok, filed, cert}


def test_party_coverage(cast):
    OrganizationFactory(party_organization="independent", five_party_participation=True)
    OrganizationFactory()
    OrganizationFactory(home_area=cast.area("110114008001"), party_organization="joint")
    rows = {c.area.code: c for c in selectors.party_coverage(cast.street_a)}
    assert list(rows) == ["110114011"]
    assert rows["110114011"].organizations == 2
    assert rows["110114011"].with_party_organization == 1
    assert rows["110114011"].five_party == 1
    r = api_as(cast.district).get(f"{URL}party-coverage/")
    assert {row["area"]["code"]: row["organizations"] for row in r.json()} == {
        "110114011": 2,
        "110114008": 1,
    }
    assert api_as(cast.resident).get(f"{URL}party-coverage/").status_code == 403
    # The evaluator reads no records, but does read the figures of its area.
    r = api_as(cast.evaluator).get(f"{URL}party-coverage/")
    assert {row["area"]["code"]: row["organizations"] for row in r.json()} == {"110114011": 2}
