"""Pinned query counts on the registry list endpoints; the certification API (R7)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huitian.models import Category, Role
from registry.models import CertificationBatch
from tests.conftest import api_as, make_user
from tests.registry.factories import FilingFactory, OrganizationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _pinned(django_assert_num_queries, client, url, make, expected):
    make(2)
    client.get(url)  # warm per-process caches
    with django_assert_num_queries(expected):
        first = client.get(url).json()["count"]
    make(10)
    with django_assert_num_queries(expected):
        second = client.get(url).json()["count"]
    assert second == first + 10


def test_registrations_list_queries(cast, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            app = RegistrationFactory()
            app.categories.set(Category.objects.filter(code="elderly"))

    # count, page, categories, documents (the caller's grants are cached on the user)
    _pinned(django_assert_num_queries, api_as(cast.street_a), "/api/v1/registrations/", make, 4)


def test_filings_list_queries(cast, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            f = FilingFactory()
            f.categories.set(Category.objects.filter(code="dance"))

    # count, page, categories
    _pinned(django_assert_num_queries, api_as(cast.community_a1), "/api/v1/filings/", make, 3)


def test_certification_api(cast):
    se = OrganizationFactory(legal_form="social_enterprise")
    member = make_user("se", Role.ORG_MEMBER, organization=se)
    CertificationBatch.objects.create(year=2026)
    evidence = SimpleUploadedFile("章程.pdf", b"%PDF-1.4 x")
    r = api_as(member).post(
        "/api/v1/certifications/",
        {"organization": se.pk, "field": "elderly", "description": "助餐", "evidence": evidence},
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    r = api_as(member).post(
        "/api/v1/certifications/",
        {"organization": se.pk, "field": "elderly", "description": "again"},
        format="multipart",
    )
    assert r.status_code == 409 and r.json()["code"] == "already_applied"
    assert api_as(cast.street_a).post(f"/api/v1/certifications/{cid}/certify/").status_code == 403
    assert api_as(cast.street_b).post(f"/api/v1/certifications/{cid}/certify/").status_code == 404
    r = api_as(cast.district).post(f"/api/v1/certifications/{cid}/certify/")
    assert r.status_code == 200 and r.json()["certificate_number"] == "HTSE-2026-001"
    r = api_as(cast.district).post(f"/api/v1/certifications/{cid}/refuse/", {"reason": "x"})
    assert r.status_code == 409
    other = make_user("outsider", Role.RESIDENT, cast.area("110114011001"))
    r = api_as(other).post(
        "/api/v1/certifications/",
        {"organization": se.pk, "field": "elderly", "description": "x"},
        format="multipart",
    )
    assert r.status_code == 404
