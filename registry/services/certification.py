"""Social-enterprise certification (R7)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit import selectors as credit_selectors
from credit.error_codes import ErrorCode as CreditErrorCode
from huitian.access import require
from huitian.models import User
from huitian.workflow import WorkflowError, check_step, move, record_creation
from registry.error_codes import ErrorCode
from registry.models import (
    Certification,
    CertificationBatch,
    Organization,
)


def _open_batch() -> CertificationBatch | None:
    return CertificationBatch.objects.filter(is_open=True).order_by("-year").first()


def _refusals(org: Organization, batch: CertificationBatch | None) -> list[tuple[str, str]]:
    """(code, reason) for each rule that stops `org` applying in `batch` now."""
    found = []
    if org.legal_form != Organization.LegalForm.SOCIAL_ENTERPRISE:
        found.append(
            (
                ErrorCode.NOT_A_SOCIAL_ENTERPRISE,
                _("Only social enterprises apply for certification."),
            )
        )
    if org.status != Organization.Status.ACTIVE:
        found.append(
            (
                ErrorCode.ORGANIZATION_INACTIVE,
                _("Only an active organization applies for certification; it is %(status)s.")
                % {"status": org.get_status_display()},
            )
        )
    listed = credit_selectors.exclusion_reasons([org.pk]).get(org.pk)
    if listed:  # the anomaly and dishonesty lists exclude from certification (C7)
        found.append((CreditErrorCode.CREDIT_LISTED, listed))
    if batch is None:
        found.append((ErrorCode.NO_OPEN_BATCH, _("No certification batch is open now.")))
    elif Certification.objects.filter(batch=batch, organization=org).exists():
        found.append(
            (
                ErrorCode.ALREADY_APPLIED,
                _("This organization already applied in the %(year)s batch.")
                % {"year": batch.year},
            )
        )
    return found


def why_not_apply_for_certification(*, organization: Organization) -> list[str]:
    """Why `organization` cannot apply for certification now (empty: it can)."""
    return [reason for _code, reason in _refusals(organization, _open_batch())]


def apply_for_certification(
    *, organization_id: int, by: User, field: str, description: str, evidence=None
):
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        require(by, "registry.apply_certification", org)
        batch = _open_batch()
        refusals = _refusals(org, batch)
        if refusals:
            raise WorkflowError(*refusals[0])
        cert = Certification(
            batch=batch, organization=org, field=field, description=description, submitted_by=by
        )
        if evidence is not None:
            cert.evidence = evidence
        cert.full_clean()
        cert.save()
        record_creation(cert, by=by, state=cert.state)
    return cert


def decide_certification(*, certification_id: int, by: User, certify: bool, note: str = ""):
    """Certify (certificate number, validity from the batch) or refuse with a reason."""
    with transaction.atomic():
        cert = (
            Certification.objects.select_for_update()
            .select_related("batch", "organization__home_area")
            .get(pk=certification_id)
        )
        require(by, "registry.decide_certification", cert.organization)
        step = Certification.FLOW["certify" if certify else "refuse"]
        check_step(cert, step, note=note)
        cert.decision_note = note
        if certify:
            # Serialise numbering per batch: two certifications decided at once must not
            # take the same certificate number.
            CertificationBatch.objects.select_for_update().filter(pk=cert.batch_id).first()
            today = timezone.localdate()
            seq = (
                Certification.objects.filter(batch=cert.batch, state=Certification.State.CERTIFIED)
                .exclude(pk=cert.pk)
                .count()
                + 1
            )
            cert.certificate_number = f"HTSE-{cert.batch.year}-{seq:03d}"
            try:
                cert.valid_until = today.replace(year=today.year + cert.batch.validity_years)
            except ValueError:  # 29 February
                cert.valid_until = today.replace(
                    year=today.year + cert.batch.validity_years, day=28
                )
            org = Organization.objects.select_for_update().get(pk=cert.organization_id)
            org.certificate_number = cert.certificate_number
            org.certified_until = cert.valid_until
            org._history_user = by
            org.save(update_fields=["certificate_number", "certified_until"])
        move(
            cert,
            step,
            by=by,
            note=note,
            also=["decision_note", "certificate_number", "valid_until"],
        )
    return cert
