"""The portal page where a social enterprise applies for certification (R7)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huitian.models import Role
from registry import services
from registry.models import Certification, CertificationBatch
from tests.conftest import make_user
from tests.registry.factories import OrganizationFactory

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
