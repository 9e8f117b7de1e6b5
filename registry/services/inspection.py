"""Annual reports and their inspection (R8); administrative interviews (R9)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit import selectors as credit_selectors
from credit import services as credit_services
from huitian.access import require
from huitian.models import User
from huitian.selectors import organization_members
from huitian.services import notify
from huitian.workflow import WorkflowError
from registry.error_codes import ErrorCode
from registry.models import (
    AnnualReport,
    InspectionYear,
    Interview,
    Organization,
)
from registry.selectors import missing_annual_reports


def submit_annual_report(
    *, organization_id: int, year: int, by: User, summary: str, income=0, expenditure=0, upload=None
) -> AnnualReport:
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        require(by, "registry.submit_annual_report", org)
        if org.status in (Organization.Status.DEREGISTERED, Organization.Status.MERGED):
            raise WorkflowError(
                ErrorCode.ORGANIZATION_CLOSED,
                _("A deregistered or merged organization files no report."),
            )
        if AnnualReport.objects.filter(organization=org, year=year).exists():
            raise WorkflowError(
                ErrorCode.ALREADY_SUBMITTED,
                _("The %(year)s annual report was already submitted.") % {"year": year},
            )
        report = AnnualReport(
            organization=org,
            year=year,
            summary=summary,
            income=income,
            expenditure=expenditure,
            submitted_by=by,
        )
        if upload is not None:
            report.file = upload
        report.full_clean()
        report.save()
        if credit_selectors.simplified_inspection(org):
            # 4A and above: the simplified annual inspection concludes 合格 on submission (C7).
            report.conclusion = AnnualReport.Conclusion.PASS
            report.concluded_at = timezone.now()
            report.save(update_fields=["conclusion", "concluded_at"])
            credit_services.record_credit_event(
                organization_id=org.pk,
                kind=credit_services.EventKind.ANNUAL_REPORT,
                effect=credit_services.CONCLUSION_EFFECTS[report.conclusion],
                summary=_("%(year)s annual inspection (simplified, grade 4A or above): %(c)s")
                % {"year": year, "c": report.get_conclusion_display()},
                source=report,
                by=by,
            )
    return report


def conclude_annual_report(*, report_id: int, by: User, conclusion: str) -> AnnualReport:
    if conclusion not in AnnualReport.Conclusion.values:
        raise ValidationError({"conclusion": [_("Choose 合格, 基本合格 or 不合格.")]})
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("organization__home_area")
            .get(pk=report_id)
        )
        require(by, "registry.conclude_annual_report", report.organization)
        claimed = AnnualReport.objects.filter(pk=report.pk, conclusion="").update(
            conclusion=conclusion, concluded_by=by, concluded_at=timezone.now()
        )
        if not claimed:
            raise WorkflowError(
                ErrorCode.ALREADY_CONCLUDED, _("This report already has an inspection conclusion.")
            )
        report.refresh_from_db()
        credit_services.record_credit_event(
            organization_id=report.organization_id,
            kind=credit_services.EventKind.ANNUAL_REPORT,
            occurred_on=timezone.localdate(),
            effect=credit_services.CONCLUSION_EFFECTS[conclusion],
            summary=_("%(year)s annual inspection: %(conclusion)s")
            % {"year": report.year, "conclusion": report.get_conclusion_display()},
            source=report,
            by=by,
        )
    return report


def flag_missing_annual_reports(*, today: datetime.date | None = None) -> int:
    """After a year's deadline, tell members of organizations without a report (once)."""
    today = today or timezone.localdate()
    flagged = 0
    for year in InspectionYear.objects.filter(deadline__lt=today, flagged_at__isnull=True):
        if not InspectionYear.objects.filter(pk=year.pk, flagged_at__isnull=True).update(
            flagged_at=timezone.now()
        ):
            continue
        for org in missing_annual_reports(year.year):
            credit_services.record_missing_annual_report(
                organization_id=org.pk, year_id=year.pk, today=today
            )
            notify(
                recipients=organization_members(org),
                kind="registry.annual_report_missing",
                title=_("Your %(year)s annual report is missing (deadline %(deadline)s)")
                % {"year": year.year, "deadline": year.deadline},
                url=reverse("registry:portal"),
            )
            flagged += 1
    return flagged


def hold_interview(*, organization_id: int, by: User, **fields):
    with transaction.atomic():
        org = Organization.objects.select_related("home_area").get(pk=organization_id)
        require(by, "registry.hold_interview", org)
        interview = Interview(organization=org, conducted_by=by, **fields)
        interview.full_clean()
        interview.save()
        credit_services.record_credit_event(
            organization_id=org.pk,
            kind=credit_services.EventKind.INTERVIEW,
            occurred_on=interview.held_on,
            summary=_("Administrative interview: %(reason)s")
            % {"reason": interview.get_reason_display()},
            source=interview,
            by=by,
        )
        notify(
            recipients=organization_members(org),
            kind="registry.interview",
            title=_("Administrative interview on %(date)s") % {"date": interview.held_on},
            body=interview.get_reason_display(),
        )
    return interview


def record_interview_outcome(
    *, interview_id: int, by: User, outcome: str, follow_up_on: datetime.date | None = None
) -> Interview:
    """What the interview concluded (and when to follow up): the interviewing staff's rule."""
    if not (outcome or "").strip():
        raise ValidationError({"outcome": [_("Record what the interview concluded.")]})
    with transaction.atomic():
        interview = (
            Interview.objects.select_for_update()
            .select_related("organization__home_area")
            .get(pk=interview_id)
        )
        require(by, "registry.hold_interview", interview.organization)
        interview.outcome = outcome
        interview.follow_up_on = follow_up_on
        interview.full_clean()
        interview.save(update_fields=["outcome", "follow_up_on"])
    return interview
