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


def test_only_an_active_enterprise_applies_through_any_door(cast):
    """The portal hid the form for a suspended enterprise; the API must refuse it too."""
    from registry.models import Certification, Organization

    se = OrganizationFactory(legal_form="social_enterprise", status=Organization.Status.SUSPENDED)
    member = make_user("se_suspended", Role.ORG_MEMBER, organization=se)
    CertificationBatch.objects.create(year=2026)
    r = api_as(member).post(
        "/api/v1/certifications/",
        {"organization": se.pk, "field": "elderly", "description": "助餐"},
        format="multipart",
    )
    assert r.status_code == 409 and r.json()["code"] == "organization_inactive"
    assert not Certification.objects.filter(organization=se).exists()


def test_certificate_numbers_are_taken_under_the_batch_lock(cast):
    """Two decisions in one batch at once must not count the same sequence number."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry import services

    batch = CertificationBatch.objects.create(year=2026)
    certs = []
    for n in range(2):
        se = OrganizationFactory(legal_form="social_enterprise")
        member = make_user(f"se_lock{n}", Role.ORG_MEMBER, organization=se)
        certs.append(
            services.apply_for_certification(
                organization_id=se.pk, by=member, field="elderly", description="助餐"
            )
        )
    with CaptureQueriesContext(connection) as ctx:
        first = services.decide_certification(
            certification_id=certs[0].pk, by=cast.district, certify=True
        )
    table = CertificationBatch._meta.db_table
    assert any(
        table in q["sql"] and "FOR UPDATE" in q["sql"] and f"= {batch.pk}" in q["sql"]
        for q in ctx.captured_queries
    )
    second = services.decide_certification(
        certification_id=certs[1].pk, by=cast.district, certify=True
    )
    assert (first.certificate_number, second.certificate_number) == (
        "HTSE-2026-001",
        "HTSE-2026-002",
    )
