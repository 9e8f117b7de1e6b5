"""Purchase projects (P8): create (from purchase-service items or directly), pre-review by
the assigned third-party evaluator, open for applications with a deadline in working
days, applications (joint ones co-signed by the street federation), reviewers with
conflict-of-interest declarations and scores per criterion, award with a reason,
cancel with a reason.

Who may apply is decided here, by `eligibility_problems`, and nowhere else.
"""

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian import ledger
from huitian.access import Forbidden, require
from huitian.models import Area, Role, RoleAssignment
from huitian.validators import check_lengths
from huitian.workdays import add_working_days
from huitian.workflow import WorkflowError, check_step, move, save_new
from procurement.error_codes import ErrorCode
from procurement.models.contracts import Contract
from procurement.models.funds import Budget
from procurement.models.projects import (
    MAX_CONTRACT_YEARS,
    NAME_MAX,
    OPINION_MAX,
    PROPOSAL_MAX,
    REASON_MAX,
    TITLE_MAX,
    ApplicationScore,
    Award,
    ConflictDeclaration,
    ProjectApplication,
    PurchaseProject,
    ReviewerAssignment,
)
from procurement.models.topics import PurchaseItem
from procurement.services import contracts
from registry import selectors as registry_selectors
from registry.models import Organization

FLOW = PurchaseProject.FLOW
APP_FLOW = ProjectApplication.FLOW
MAX_APPLICATION_DAYS = 60
Org = Organization


# ---------------------------------------------------------------------------
# Eligibility: the one function.


def street_of(area: Area | None) -> Area | None:
    """The street (or town) an area lies in; None above street level."""
    while area is not None and area.level != Area.Level.STREET:
        if area.level in (Area.Level.DISTRICT,) or area.parent_id is None:
            return None
        area = area.parent
    return area


def eligibility_problems(
    organization: Organization, project: PurchaseProject | None = None, *, joint: bool = False
) -> list[str]:
    """Why `organization` may not take a purchase of services (empty list: it may).

    THE eligibility rule of government purchase of services (P8), shown to staff with
    its reasons in the admin and the API and applied by `apply` and `award`:
    registered (city/district) organizations in good standing; certified social
    enterprises; filed community groups only through a joint application (`joint=True`)
    co-signed by their street federation, and then only for projects of their own
    street or the district; never an organization suspended, in liquidation or gone,
    nor one on a credit list.

    It is built on `registry.selectors.eligible_contractors()` and
    `registry.selectors.ineligibility_reasons()`, which consult `credit.selectors`
    (the dishonesty and activity-anomaly lists): the credit app extends eligibility
    there, not here, and every door follows.
    """
    return eligibility_many([(organization, project, joint)])[0]


def eligibility_many(cases) -> list[list[str]]:
    """`eligibility_problems` for many (organization, project, joint) at once: two queries
    however many (a screen's list)."""
    cases = list(cases)
    if not cases:
        return []
    ids = {org.pk for org, _p, _j in cases}
    listed = registry_selectors.ineligibility_reasons(list(ids))
    eligible = set(
        registry_selectors.eligible_contractors().filter(pk__in=ids).values_list("pk", flat=True)
    )
    return [
        _problems(org, project, joint, listed.get(org.pk), org.pk in eligible)
        for org, project, joint in cases
    ]


def _problems(organization, project, joint, listed, in_eligible) -> list[str]:
    problems: list[str] = []
    if organization.status != Org.Status.ACTIVE:
        problems.append(
            _("The organization is %(status)s.") % {"status": organization.get_status_display()}
        )
    if organization.legal_form == Org.LegalForm.SOCIAL_ENTERPRISE:
        until = organization.certified_until
        if until is None or until < timezone.localdate():
            problems.append(_("The social enterprise's certification is missing or has expired."))
    if organization.is_filed:
        if not joint:
            problems.append(
                _(
                    "A filed community group may apply only jointly, co-signed by its "
                    "street federation."
                )
            )
        elif project is not None and project.area.level != Area.Level.DISTRICT:
            group_street = street_of(organization.home_area)
            project_street = street_of(project.area)
            if group_street is None or project_street is None or group_street != project_street:
                problems.append(_("A filed community group takes projects of its own street only."))
    if listed:
        problems.append(listed)
    if not problems and not in_eligible:
        problems.append(_("The organization is not among the eligible contractors."))
    return problems


def eligibility_of(organizations: Iterable[Organization], project=None) -> dict[int, list[str]]:
    """`eligibility_problems` for many organizations (a screen's list), by id; filed
    groups as in a joint application."""
    organizations = list(organizations)
    found = eligibility_many((org, project, org.is_filed) for org in organizations)
    return {org.pk: problems for org, problems in zip(organizations, found, strict=True)}


def _refuse_ineligible(problems: list[str]) -> None:
    if problems:
        text = "；".join(problems)
        raise WorkflowError(
            ErrorCode.INELIGIBLE,
            _("This organization may not take this purchase: %(reasons)s") % {"reasons": text},
            fields={"organization": problems},
        )


# ---------------------------------------------------------------------------
# Creating and pre-review.


def _money(value, field):
    return ledger.money(value, field=field)


def _positive_int(value, field, *, most=None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: [_("Enter a whole number.")]}) from exc
    if number < 1 or (most is not None and number > most):
        raise ValidationError(
            {
                field: [
                    _("Enter a number from 1 to %(most)s.") % {"most": most}
                    if most
                    else _("Enter a number of at least 1.")
                ]
            }
        )
    return number


def _check_evaluator(user) -> None:
    if user is None:
        return
    if not RoleAssignment.objects.filter(user=user, role=Role.EVALUATOR, is_active=True).exists():
        raise WorkflowError(
            ErrorCode.NOT_AN_EVALUATOR,
            _("%(user)s is not a third-party evaluator.") % {"user": user},
            fields={"evaluator": [_("Choose a user with the third-party evaluator role.")]},
        )


def _check_budget(area: Area, budget: Budget) -> None:
    if budget.area_id != area.pk:
        raise WorkflowError(
            ErrorCode.AREA_MISMATCH,
            _("The budget belongs to %(budget_area)s, not to the purchaser's %(area)s.")
            % {"budget_area": budget.area.name, "area": area.name},
            fields={"budget": [_("Choose a budget of the purchaser's area.")]},
        )


def create_project(
    *,
    by,
    area: Area,
    purchaser_name: str,
    title: str,
    budget: Budget,
    budget_amount,
    service_standard: str,
    quantity,
    unit: str,
    duration_months,
    years=1,
    items: Iterable[PurchaseItem] = (),
    category=None,
    evaluator=None,
) -> PurchaseProject:
    """A project in draft, created directly by a purchaser or from purchase-service items."""
    require(by, "procurement.manage_project", area)
    title = (title or "").strip()
    purchaser_name = (purchaser_name or "").strip()
    service_standard = (service_standard or "").strip()
    errors = {}
    for field, value in (
        ("title", title),
        ("purchaser_name", purchaser_name),
        ("service_standard", service_standard),
        ("unit", (unit or "").strip()),
    ):
        if not value:
            errors[field] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    check_lengths(
        title=(title, TITLE_MAX),
        purchaser_name=(purchaser_name, NAME_MAX),
        service_standard=(service_standard, 4000),
        unit=(unit, 20),
    )
    amount = _money(budget_amount, "budget_amount")
    project = PurchaseProject(
        title=title,
        area=area,
        purchaser_name=purchaser_name,
        category=category,
        budget=budget,
        budget_amount=amount,
        service_standard=service_standard,
        quantity=_positive_int(quantity, "quantity"),
        unit=unit.strip(),
        duration_months=_positive_int(duration_months, "duration_months", most=120),
        years=_positive_int(years, "years", most=MAX_CONTRACT_YEARS),
        evaluator=evaluator,
        created_by=by,
    )
    _check_budget(area, budget)
    _check_evaluator(evaluator)
    items = list(items)
    for item in items:
        if not item.topic.area.path.startswith(area.path):
            raise WorkflowError(
                ErrorCode.AREA_MISMATCH,
                _("“%(item)s” is outside the purchaser's area.") % {"item": item.title},
                fields={"items": [_("Choose items of the purchaser's area.")]},
            )
    project.full_clean(exclude=["budget", "area", "items", "evaluator", "category"])
    with transaction.atomic():
        save_new(project, by=by, step="promote" if items else "create")
        if items:
            project.items.set(items)
    return project


def create_project_from_items(
    *, by, items: Iterable[PurchaseItem], area: Area, budget: Budget, **fields
) -> PurchaseProject:
    """A project from purchase-service items: title, budget and standard default to theirs."""
    items = list(items)
    if not items:
        raise ValidationError({"items": [_("Choose at least one purchase-service item.")]})
    fields.setdefault("title", items[0].title)
    fields.setdefault(
        "budget_amount", sum((Decimal(i.estimated_budget) for i in items), Decimal("0"))
    )
    fields.setdefault("service_standard", "\n".join(i.service_standard for i in items))
    return create_project(by=by, items=items, area=area, budget=budget, **fields)


EDITABLE = {
    "title",
    "purchaser_name",
    "budget_amount",
    "service_standard",
    "quantity",
    "unit",
    "duration_months",
    "years",
    "evaluator",
    "budget",
    "category",
}


def update_project(project: PurchaseProject, *, by, **changes) -> PurchaseProject:
    """Change a draft (after a return for revision, too)."""
    require(by, "procurement.manage_project", project)
    if project.state != PurchaseProject.State.DRAFT:
        raise WorkflowError(
            ErrorCode.ILLEGAL_TRANSITION, _("Only a project in draft can be changed.")
        )
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    if "budget_amount" in changes:
        changes["budget_amount"] = _money(changes["budget_amount"], "budget_amount")
    if "evaluator" in changes:
        _check_evaluator(changes["evaluator"])
    if "budget" in changes:
        _check_budget(project.area, changes["budget"])
    for name, value in changes.items():
        setattr(project, name, value)
    project.full_clean(exclude=["budget", "area", "items", "evaluator", "category"])
    project._history_user = by
    project.save()
    return project


def assign_evaluator(project: PurchaseProject, *, evaluator, by) -> PurchaseProject:
    require(by, "procurement.manage_project", project)
    if project.state not in (PurchaseProject.State.DRAFT, PurchaseProject.State.PRE_REVIEW):
        raise WorkflowError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("The evaluator is assigned before the pre-review ends."),
        )
    _check_evaluator(evaluator)
    project.evaluator = evaluator
    project._history_user = by
    project.save(update_fields=["evaluator"])
    return project


def submit_for_review(project: PurchaseProject, *, by) -> PurchaseProject:
    require(by, "procurement.manage_project", project)
    check_step(project, FLOW["submit"])
    if project.evaluator_id is None:
        raise WorkflowError(
            ErrorCode.EVALUATOR_REQUIRED,
            _("Assign a third-party evaluator for the pre-review first."),
            fields={"evaluator": [_("Assign a third-party evaluator.")]},
        )
    with transaction.atomic():
        move(project, FLOW["submit"], by=by)
    return project


PRE_REVIEW_DECISIONS = {"pass": "pass_review", "revise": "revise", "reject": "reject"}


def pre_review(project: PurchaseProject, *, by, decision: str, opinion: str) -> PurchaseProject:
    """事前评审: the assigned evaluator's rationality opinion, and pass / revise / reject."""
    if decision not in PRE_REVIEW_DECISIONS:
        raise ValidationError({"decision": [_("Choose pass, revise or reject.")]})
    if project.evaluator_id != getattr(by, "pk", None):
        raise Forbidden(
            _("Only the evaluator assigned to this project gives its pre-review opinion."),
            code=ErrorCode.NOT_THE_EVALUATOR,
        )
    require(by, "procurement.pre_review_project", project)
    opinion = (opinion or "").strip()
    if not opinion:
        raise WorkflowError(
            ErrorCode.REASON_REQUIRED,
            _("Write the pre-review opinion."),
            fields={"opinion": [_("Write the pre-review opinion.")]},
        )
    check_lengths(opinion=(opinion, OPINION_MAX))
    step = FLOW[PRE_REVIEW_DECISIONS[decision]]
    note = opinion[:500]
    check_step(project, step, note=note)
    with transaction.atomic():
        project.pre_review_opinion = opinion
        project.pre_reviewed_at = timezone.now()
        move(project, step, by=by, note=note, also=["pre_review_opinion", "pre_reviewed_at"])
    return project


def open_for_applications(project: PurchaseProject, *, by, working_days) -> PurchaseProject:
    """Open the project; applications close after `working_days` working days."""
    require(by, "procurement.manage_project", project)
    days = _positive_int(working_days, "working_days", most=MAX_APPLICATION_DAYS)
    check_step(project, FLOW["open"])
    with transaction.atomic():
        project.application_days = days
        project.opened_at = timezone.now()
        project.application_deadline = add_working_days(timezone.localdate(), days)
        move(
            project,
            FLOW["open"],
            by=by,
            also=["application_days", "opened_at", "application_deadline"],
        )
    return project


def why_not_cancel(project: PurchaseProject) -> list[str]:
    """What stops a cancel the step itself allows (the contract paid money already)."""
    contract = Contract.objects.filter(project=project).first()
    refusal = contracts.paid_refusal(contract) if contract is not None else None
    return [str(refusal.detail)] if refusal is not None else []


def cancel_project(project: PurchaseProject, *, by, reason: str) -> PurchaseProject:
    """Cancel with a reason, from any state before settlement. Money the contract has
    committed and not paid goes back to its budgets first (`release_on_cancel`), in the
    same transaction; a contract that has paid anything is refused with the figure."""
    require(by, "procurement.manage_project", project)
    reason = (reason or "").strip()
    check_lengths(reason=(reason, REASON_MAX))
    check_step(project, FLOW["cancel"], note=reason)
    with transaction.atomic():
        contract = Contract.objects.select_for_update().filter(project=project).first()
        if contract is not None:
            contracts.release_on_cancel(contract, by=by, reason=reason)
        project.cancel_reason = reason
        move(project, FLOW["cancel"], by=by, note=reason[:500], also=["cancel_reason"])
        project.applications.filter(state=ProjectApplication.State.SUBMITTED).update(
            state=ProjectApplication.State.NOT_AWARDED
        )
    return project


# ---------------------------------------------------------------------------
# Applications.


def apply(
    project: PurchaseProject,
    *,
    organization: Organization,
    by,
    proposal: str,
    quoted_amount,
    joint: bool = False,
    today: datetime.date | None = None,
) -> ProjectApplication:
    """An organization applies (its member), or a street federation applies jointly for a
    filed group of its street (federation staff), co-signing it."""
    if joint:
        require(by, "procurement.apply_jointly", organization)
    else:
        require(by, "procurement.apply_for_project", organization)
    today = today or timezone.localdate()
    if project.state != PurchaseProject.State.OPEN:
        raise WorkflowError(
            ErrorCode.PROJECT_NOT_OPEN,
            _("This project is not open for applications (it is %(state)s).")
            % {"state": project.get_state_display()},
        )
    if project.application_deadline and today > project.application_deadline:
        raise WorkflowError(
            ErrorCode.DEADLINE_PASSED,
            _("Applications closed on %(day)s.") % {"day": project.application_deadline},
        )
    _refuse_ineligible(eligibility_problems(organization, project, joint=joint))
    proposal = (proposal or "").strip()
    if not proposal:
        raise ValidationError({"proposal": [_("Describe how you will provide the service.")]})
    check_lengths(proposal=(proposal, PROPOSAL_MAX))
    amount = _money(quoted_amount, "quoted_amount")
    if amount > project.budget_amount:
        raise WorkflowError(
            ErrorCode.QUOTE_OVER_BUDGET,
            _("¥%(amount)s is more than the project's budget of ¥%(budget)s.")
            % {"amount": amount, "budget": project.budget_amount},
            fields={"quoted_amount": [_("Quote at most the project's budget.")]},
        )
    with transaction.atomic():
        locked = PurchaseProject.objects.select_for_update().get(pk=project.pk)
        if locked.state != PurchaseProject.State.OPEN:
            raise WorkflowError(
                ErrorCode.PROJECT_NOT_OPEN, _("This project is not open for applications.")
            )
        if (
            ProjectApplication.objects.filter(project=project, organization=organization)
            .exclude(state=ProjectApplication.State.WITHDRAWN)
            .exists()
        ):
            raise WorkflowError(
                ErrorCode.ALREADY_APPLIED,
                _("%(org)s has already applied for this project.") % {"org": organization.name},
            )
        application = ProjectApplication(
            project=project,
            organization=organization,
            proposal=proposal,
            quoted_amount=amount,
            is_joint=bool(joint),
            federation_area=street_of(organization.home_area) if joint else None,
            cosigned_by=by if joint else None,
            submitted_by=by,
        )
        save_new(application, by=by, step="file")
    return application


def withdraw_application(application: ProjectApplication, *, by) -> ProjectApplication:
    if application.is_joint:
        require(by, "procurement.apply_jointly", application.organization)
    else:
        require(by, "procurement.apply_for_project", application.organization)
    if application.project.state != PurchaseProject.State.OPEN:
        raise WorkflowError(
            ErrorCode.PROJECT_NOT_OPEN,
            _("Applications can be withdrawn while the project is open."),
        )
    with transaction.atomic():
        move(application, APP_FLOW["withdraw"], by=by)
    return application


def close_applications(
    project: PurchaseProject, *, by, today: datetime.date | None = None
) -> PurchaseProject:
    """Close applications once the deadline has passed; the review starts."""
    require(by, "procurement.manage_project", project)
    check_step(project, FLOW["close"])
    today = today or timezone.localdate()
    if project.application_deadline and today <= project.application_deadline:
        raise WorkflowError(
            ErrorCode.DEADLINE_NOT_PASSED,
            _("Applications are open until %(day)s.") % {"day": project.application_deadline},
        )
    with transaction.atomic():
        move(project, FLOW["close"], by=by)
    return project


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
