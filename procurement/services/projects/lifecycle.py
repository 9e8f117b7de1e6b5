"""Purchase projects: create (from items or directly), change, the evaluator, pre-review,
open for applications, cancel (releasing committed money)."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
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
    REASON_MAX,
    TITLE_MAX,
    ProjectApplication,
    PurchaseProject,
)
from procurement.models.topics import PurchaseItem
from procurement.services import contracts
from procurement.services.projects.eligibility import FLOW, MAX_APPLICATION_DAYS

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
