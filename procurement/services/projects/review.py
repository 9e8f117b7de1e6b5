"""Review of applications: reviewers, conflict-of-interest declarations, scores per
criterion, award with a reason."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import Forbidden, require
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move
from procurement.error_codes import ErrorCode
from procurement.models.projects import (
    REASON_MAX,
    ApplicationScore,
    Award,
    ConflictDeclaration,
    ProjectApplication,
    PurchaseProject,
    ReviewerAssignment,
)
from procurement.services.projects.eligibility import (
    APP_FLOW,
    FLOW,
    _refuse_ineligible,
    eligibility_problems,
)

# ---------------------------------------------------------------------------
# Review: reviewers, conflicts of interest, scores.


def assign_reviewer(project: PurchaseProject, *, reviewer, by) -> ReviewerAssignment:
    require(by, "procurement.manage_project", project)
    if project.state not in (
        PurchaseProject.State.OPEN,
        PurchaseProject.State.UNDER_REVIEW,
        PurchaseProject.State.PASSED,
    ):
        raise WorkflowError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("Reviewers are assigned between the pre-review and the award."),
        )
    if not reviewer.is_active:
        raise ValidationError({"reviewer": [_("This user account is not active.")]})
    assignment, _created = ReviewerAssignment.objects.get_or_create(
        project=project, reviewer=reviewer, defaults={"assigned_by": by}
    )
    return assignment


def _assignment(application: ProjectApplication, by) -> ReviewerAssignment:
    assignment = ReviewerAssignment.objects.filter(
        project_id=application.project_id, reviewer_id=getattr(by, "pk", None)
    ).first()
    if assignment is None:
        raise Forbidden(_("You are not a reviewer of this project."), code=ErrorCode.NOT_A_REVIEWER)
    return assignment


def declare_conflict(
    application: ProjectApplication, *, by, has_conflict: bool, description: str = ""
) -> ConflictDeclaration:
    """A reviewer declares, per application, whether it has a conflict of interest."""
    assignment = _assignment(application, by)
    description = (description or "").strip()
    check_lengths(description=(description, REASON_MAX))
    if has_conflict and not description:
        raise ValidationError({"description": [_("Say what the conflict of interest is.")]})
    with transaction.atomic():
        existing = (
            ConflictDeclaration.objects.select_for_update()
            .filter(assignment=assignment, application=application)
            .first()
        )
        if existing is not None:
            if existing.has_conflict and not has_conflict:
                raise WorkflowError(
                    ErrorCode.CONFLICT_OF_INTEREST,
                    _("A declared conflict of interest cannot be withdrawn."),
                )
            existing.has_conflict = bool(has_conflict)
            existing.description = description
            existing._history_user = by
            existing.save()
            return existing
        declaration = ConflictDeclaration(
            assignment=assignment,
            application=application,
            has_conflict=bool(has_conflict),
            description=description,
        )
        declaration._history_user = by
        declaration.save()
    return declaration


def _points(value, criterion) -> Decimal:
    most = ApplicationScore.MAX_POINTS[criterion]
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValidationError({criterion: [_("Enter a number.")]}) from exc
    if not points.is_finite() or points < 0 or points > most or points.as_tuple().exponent < -2:
        raise ValidationError(
            {criterion: [_("Enter 0 to %(most)s points, two decimals at most.") % {"most": most}]}
        )
    return points


def score_application(
    application: ProjectApplication, *, by, scores: Mapping[str, object], comment: str = ""
) -> list[ApplicationScore]:
    """A reviewer's points per criterion; refused with a declared conflict or none declared."""
    assignment = _assignment(application, by)
    project = application.project
    if project.state != PurchaseProject.State.UNDER_REVIEW:
        raise WorkflowError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("Applications are scored while the project is under review."),
        )
    if application.state != ProjectApplication.State.SUBMITTED:
        raise WorkflowError(
            ErrorCode.ILLEGAL_TRANSITION, _("This application is no longer in the review.")
        )
    declaration = ConflictDeclaration.objects.filter(
        assignment=assignment, application=application
    ).first()
    if declaration is None:
        raise WorkflowError(
            ErrorCode.DECLARATION_REQUIRED,
            _("Declare whether you have a conflict of interest with this applicant first."),
        )
    if declaration.has_conflict:
        raise WorkflowError(
            ErrorCode.CONFLICT_OF_INTEREST,
            _("You declared a conflict of interest with this applicant: you may not score it."),
        )
    unknown = set(scores) - set(ApplicationScore.Criterion.values)
    if unknown or not scores:
        raise ValidationError(
            {"scores": [_("Score the criteria: plan, capacity, experience, price.")]}
        )
    points = {criterion: _points(value, criterion) for criterion, value in scores.items()}
    comment = (comment or "").strip()
    check_lengths(comment=(comment, 500))
    saved = []
    with transaction.atomic():
        for criterion, value in points.items():
            row, _created = ApplicationScore.objects.update_or_create(
                application=application,
                reviewer=by,
                criterion=criterion,
                defaults={"points": value, "comment": comment, "scored_at": timezone.now()},
            )
            saved.append(row)
    return saved


def award(project: PurchaseProject, *, application: ProjectApplication, by, reason: str) -> Award:
    """Award the project to one application, with the reason; the others are not awarded.
    Eligibility is checked again: a listing since the application stops the award."""
    require(by, "procurement.manage_project", project)
    if application.project_id != project.pk:
        raise WorkflowError(ErrorCode.WRONG_PROJECT, _("This application is for another project."))
    reason = (reason or "").strip()
    check_step(project, FLOW["award"], note=reason)
    if not reason:
        raise WorkflowError(
            ErrorCode.REASON_REQUIRED,
            _("Give the reason for the award."),
            fields={"reason": [_("Give the reason for the award.")]},
        )
    check_lengths(reason=(reason, REASON_MAX))
    check_step(application, APP_FLOW["award"])
    _refuse_ineligible(
        eligibility_problems(application.organization, project, joint=application.is_joint)
    )
    with transaction.atomic():
        move(project, FLOW["award"], by=by, note=reason[:500])
        move(application, APP_FLOW["award"], by=by, note=reason[:500])
        others = project.applications.filter(state=ProjectApplication.State.SUBMITTED).exclude(
            pk=application.pk
        )
        for other in others:
            move(other, APP_FLOW["not_award"], by=by)
        record = Award(project=project, application=application, reason=reason, awarded_by=by)
        record._history_user = by
        record.save()
    return record


def totals(project: PurchaseProject) -> dict[int, Decimal]:
    """Each application's average total over the reviewers who scored it."""
    rows = (
        ApplicationScore.objects.filter(application__project=project)
        .values("application_id", "reviewer_id")
        .annotate(total=Sum("points"))
    )
    sums: dict[int, list[Decimal]] = {}
    for row in rows:
        sums.setdefault(row["application_id"], []).append(row["total"])
    return {
        app_id: (sum(values) / len(values)).quantize(Decimal("0.01"))
        for app_id, values in sums.items()
    }
