"""Social-enterprise certification (R7): the portal, the API, the admin and the service."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from huitian.access import Forbidden
from huitian.models import Role
from huitian.workflow import WorkflowError
from registry import selectors, services
from registry.models import (
    Certification,
    CertificationBatch,
    Organization,
)
from tests.conftest import api_as, make_user
from tests.registry.factories import (
    OrganizationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # uploaded evidence stays out of var/media


def _url(org):
    return f"/portal/organizations/{org.pk}/certification/"


def _enterprise():
    se = OrganizationFactory(legal_form="social_enterprise")
    return se, make_user(f"se_{se.pk}", Role.ORG_MEMBER, organization=se)


def test_member_applies_with_evidence_and_sees_the_result(cast, client_as):
    se, member = _enterprise()
    CertificationBatch.objects.create(year=2026, validity_years=2)
    c = client_as(member)
    portal = c.get("/portal/").content.decode()
    assert _url(se) in portal
    page = c.get(_url(se))
    assert page.status_code == 200 and not page.context["why_not_apply"]
    # Errors stand beside their fields: a missing description, a file that is not a PDF.
    r = c.post(
        _url(se),
        {"field": "elderly", "description": "", "evidence": SimpleUploadedFile("证明.pdf", b"MZ")},
    )
    assert r.status_code == 200
    assert r.context["form"].errors.keys() == {"description", "evidence"}
    assert "invalid-feedback" in r.content.decode()
    assert not Certification.objects.exists()
    evidence = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence")
    r = c.post(_url(se), {"field": "elderly", "description": "社区助餐", "evidence": evidence})
    assert r.status_code == 302 and r.url == _url(se)
    cert = Certification.objects.get(organization=se)
    assert cert.evidence.name.endswith(".pdf") and cert.submitted_by == member
    page = c.get(_url(se))
    assert page.context["why_not_apply"]  # one application per batch
    assert "已提交" in page.content.decode()
    assert Path(cert.evidence.name).name in page.content.decode()
    services.decide_certification(certification_id=cert.pk, by=cast.district, certify=True)
    body = c.get(_url(se)).content.decode()
    assert "HTSE-2026-001" in body and "已认证" in body


def test_a_refusal_shows_its_reason(cast, client_as):
    se, member = _enterprise()
    CertificationBatch.objects.create(year=2026)
    cert = services.apply_for_certification(
        organization_id=se.pk, by=member, field="culture", description="社区文化"
    )
    services.decide_certification(
        certification_id=cert.pk, by=cast.district, certify=False, note="社会目标证明不足"
    )
    body = client_as(member).get(_url(se)).content.decode()
    assert "社会目标证明不足" in body and "不予通过" in body


def test_no_open_batch_and_not_an_enterprise(cast, client_as):
    se, member = _enterprise()
    page = client_as(member).get(_url(se))
    assert page.context["why_not_apply"] and "没有" in page.content.decode()
    r = client_as(member).post(_url(se), {"field": "elderly", "description": "x"})
    assert r.status_code == 200 and not Certification.objects.exists()
    CertificationBatch.objects.create(year=2026)
    org = OrganizationFactory()
    plain = make_user("plain", Role.ORG_MEMBER, organization=org)
    assert _url(org) not in client_as(plain).get("/portal/").content.decode()
    page = client_as(plain).get(_url(org))
    assert page.context["why_not_apply"]
    r = client_as(plain).post(_url(org), {"field": "elderly", "description": "x"})
    assert r.status_code == 200 and not Certification.objects.exists()


def test_a_stale_form_does_not_apply_twice(cast, client_as):
    se, member = _enterprise()
    batch = CertificationBatch.objects.create(year=2026)
    c = client_as(member)
    page = c.get(_url(se))
    assert not page.context["why_not_apply"]
    # The batch closes while the member is filling in the form.
    batch.is_open = False
    batch.save()
    CertificationBatch.objects.create(year=2027, is_open=True)
    Certification.objects.create(
        batch=CertificationBatch.objects.get(year=2027),
        organization=se,
        field="elderly",
        description="已申请",
    )
    r = c.post(_url(se), {"field": "elderly", "description": "again"})
    assert r.status_code == 200 and Certification.objects.count() == 1


def test_who_may_open_the_page(cast, client, client_as):
    se, _member = _enterprise()
    assert client.get(_url(se)).status_code == 302  # sign in first
    assert client_as(cast.street_a).get(_url(se)).status_code == 403  # staff: not a member
    assert client_as(cast.street_b).get(_url(se)).status_code == 404  # sibling area
    other = make_user("other_member", Role.ORG_MEMBER, organization=OrganizationFactory())
    assert client_as(other).get(_url(se)).status_code == 404


def test_certification_journey(cast):
    se = OrganizationFactory(legal_form="social_enterprise")
    member = make_user("se_member", Role.ORG_MEMBER, organization=se)
    with pytest.raises(WorkflowError) as exc:
        services.apply_for_certification(
            organization_id=se.pk, by=member, field="elderly", description="助餐"
        )
    assert exc.value.code == "no_open_batch"
    CertificationBatch.objects.create(year=2026, validity_years=3)
    cert = services.apply_for_certification(
        organization_id=se.pk, by=member, field="elderly", description="助餐"
    )
    with pytest.raises(WorkflowError) as exc:
        services.apply_for_certification(
            organization_id=se.pk, by=member, field="elderly", description="again"
        )
    assert exc.value.code == "already_applied"
    assert se not in selectors.eligible_contractors()
    with pytest.raises(Forbidden):
        services.decide_certification(certification_id=cert.pk, by=cast.street_a, certify=True)
    cert = services.decide_certification(certification_id=cert.pk, by=cast.district, certify=True)
    assert cert.state == "certified" and cert.certificate_number == "HTSE-2026-001"
    today = timezone.localdate()
    assert cert.valid_until.year == today.year + 3
    se.refresh_from_db()
    assert se.certified_until == cert.valid_until
    assert se in selectors.eligible_contractors()
    with pytest.raises(WorkflowError):
        services.decide_certification(
            certification_id=cert.pk, by=cast.district, certify=False, note="x"
        )


def test_only_social_enterprises_apply(cast):
    org = OrganizationFactory()
    member = make_user("m", Role.ORG_MEMBER, organization=org)
    CertificationBatch.objects.create(year=2026)
    with pytest.raises(WorkflowError) as exc:
        services.apply_for_certification(
            organization_id=org.pk, by=member, field="culture", description="x"
        )
    assert exc.value.code == "not_a_social_enterprise"


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
    from registry.models import Certification

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


def test_admin_certification_refusal_asks_for_the_reason_first(cast, client_as):
    from registry import services
    from registry.models import Certification, CertificationBatch

    se = OrganizationFactory(legal_form="social_enterprise")
    member = make_user("se_admin", Role.ORG_MEMBER, organization=se)
    CertificationBatch.objects.create(year=2026)
    cert = services.apply_for_certification(
        organization_id=se.pk, by=member, field="elderly", description="助餐"
    )
    c = client_as(cast.district)
    r = c.post(
        "/admin/registry/certification/", {"action": "refuse", "_selected_action": [cert.pk]}
    )
    assert r.status_code == 200 and 'name="reason"' in r.content.decode()
    cert.refresh_from_db()
    assert cert.state == "submitted"
    c.post(
        "/admin/registry/certification/",
        {"action": "refuse", "_selected_action": [cert.pk], "apply": "1", "reason": "材料不实"},
    )
    cert = Certification.objects.get(pk=cert.pk)
    assert cert.state == "refused" and cert.decision_note == "材料不实"


def test_why_not_apply_for_certification_gives_every_reason(cast):
    """The screen's reasons are the service's refusals, one list for both."""
    org = OrganizationFactory(legal_form="social_service", status="suspended")
    reasons = services.why_not_apply_for_certification(organization=org)
    assert len(reasons) == 3  # not an enterprise, not active, no open batch
    CertificationBatch.objects.create(year=2026)
    se = OrganizationFactory(legal_form="social_enterprise")
    assert services.why_not_apply_for_certification(organization=se) == []
    member = make_user("se_why", Role.ORG_MEMBER, organization=se)
    services.apply_for_certification(
        organization_id=se.pk, by=member, field="elderly", description="助餐"
    )
    (reason,) = services.why_not_apply_for_certification(organization=se)
    with pytest.raises(WorkflowError) as refused:
        services.apply_for_certification(
            organization_id=se.pk, by=member, field="elderly", description="助餐"
        )
    assert refused.value.code == "already_applied" and str(refused.value.detail) == reason


@pytest.mark.parametrize(
    ("who", "status"), [("district", 302), ("street_a", 403), ("auditor", 403)]
)
def test_certification_batches_are_district_reference_data(cast, client_as, who, status):
    r = client_as(getattr(cast, who)).post(
        "/admin/registry/certificationbatch/add/",
        {"year": 2027, "is_open": "on", "validity_years": 2},
    )
    assert r.status_code == status
    assert CertificationBatch.objects.filter(year=2027).exists() == (status == 302)
