"""A contract drafted with its years and installments, signed by the organization,
countersigned (committing year 1) and started."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian import ledger
from huitian.access import require
from huitian.ledger import yuan
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move, save_new
from procurement.error_codes import ErrorCode
from procurement.models.contracts import (
    NAME_MAX,
    Contract,
    ContractPeriod,
    Installment,
    MilestoneReport,
)
from procurement.models.funds import Budget
from procurement.models.projects import MAX_CONTRACT_YEARS, PurchaseProject
from procurement.services import funds

SERVICES = Budget.Purpose.SERVICES
CFLOW = Contract.FLOW
PFLOW = ContractPeriod.FLOW
IFLOW = Installment.FLOW
RFLOW = MilestoneReport.FLOW
PROJECT_FLOW = PurchaseProject.FLOW
# The usual 30 / 40 / 30 schedule; milestones are contract text, in Chinese.
DEFAULT_SCHEDULE = (
    (Decimal("30"), "启动：组建团队、制定服务计划并开展首批服务"),
    (Decimal("40"), "中期：服务量达到中期目标，提交服务台账"),
    (Decimal("30"), "结项：服务全部完成，通过评估"),
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class PeriodPlan:
    amount: object
    start_date: datetime.date
    end_date: datetime.date


def _percents(schedule: Sequence[tuple]) -> list[tuple[Decimal, str]]:
    if not schedule:
        raise ValidationError({"installments": [_("Plan at least one installment.")]})
    out = []
    for percent, milestone in schedule:
        try:
            value = Decimal(str(percent))
        except (InvalidOperation, ValueError, TypeError) as exc:
            raise ValidationError({"installments": [_("Enter each percent as a number.")]}) from exc
        if not value.is_finite() or value <= 0 or value > 100 or value.as_tuple().exponent < -2:
            raise ValidationError({"installments": [_("Each percent is above 0 and at most 100.")]})
        milestone = (milestone or "").strip()
        if not milestone:
            raise ValidationError({"installments": [_("Describe each installment's milestone.")]})
        check_lengths(milestone=(milestone, NAME_MAX))
        out.append((value, milestone))
    total = sum(p for p, _m in out)
    if total != 100:
        raise WorkflowError(
            ErrorCode.PERCENTS_NOT_100,
            _("The installments add up to %(total)s %%, not 100 %%.") % {"total": total},
            fields={"installments": [_("The percents must add up to 100.")]},
        )
    return out


def split(amount: Decimal, percents: Iterable[Decimal]) -> list[Decimal]:
    """Each installment's amount, rounded down to the fen; the last one takes the rest."""
    percents = list(percents)
    parts = [(amount * p / 100).quantize(CENT, rounding=ROUND_DOWN) for p in percents[:-1]]
    return [*parts, amount - sum(parts, Decimal("0"))]


def draft_contract(
    project: PurchaseProject,
    *,
    by,
    periods: Sequence[PeriodPlan],
    schedule: Sequence[tuple] = DEFAULT_SCHEDULE,
) -> Contract:
    """The contract of an awarded project: one period per year (at most three), each with
    the same installment schedule (percents adding up to 100; the last one final)."""
    require(by, "procurement.manage_project", project)
    check_step(project, PROJECT_FLOW["contract"])
    drafted = Contract.objects.filter(project=project).first()
    if drafted is not None:
        raise WorkflowError(
            ErrorCode.CONTRACT_EXISTS,
            _("Contract %(number)s of this project is already drafted.")
            % {"number": drafted.number},
        )
    if not periods:
        raise ValidationError({"periods": [_("Plan at least the first year.")]})
    if len(periods) > MAX_CONTRACT_YEARS or len(periods) > project.years:
        raise WorkflowError(
            ErrorCode.TOO_MANY_YEARS,
            _(
                "A continuous purchase runs at most %(most)s years, and this project "
                "plans %(years)s."
            )
            % {"most": MAX_CONTRACT_YEARS, "years": project.years},
            fields={"periods": [_("Too many contract years.")]},
        )
    amounts = [ledger.money(p.amount, field="periods") for p in periods]
    for previous, plan in zip([None, *periods], periods, strict=False):
        if plan.end_date < plan.start_date or (previous and plan.start_date <= previous.end_date):
            raise ValidationError({"periods": [_("Each year starts after the previous ends.")]})
    total = sum(amounts, Decimal("0"))
    if total > project.budget_amount:
        raise WorkflowError(
            ErrorCode.OVER_PROJECT_BUDGET,
            _("The contract's ¥%(total)s is more than the project's budget of ¥%(budget)s.")
            % {"total": yuan(total), "budget": yuan(project.budget_amount)},
            fields={"periods": [_("Reduce the amounts.")]},
        )
    plan = _percents(schedule)
    application = project.award.application
    with transaction.atomic():
        contract = Contract(
            project=project,
            application=application,
            organization=application.organization,
            number=f"HT-{project.created_at:%Y}-{project.pk:06d}",
            amount=total,
            start_date=periods[0].start_date,
            end_date=periods[-1].end_date,
            created_by=by,
        )
        save_new(contract, by=by)
        for index, (period_plan, amount) in enumerate(zip(periods, amounts, strict=True), 1):
            period = ContractPeriod(
                contract=contract,
                index=index,
                start_date=period_plan.start_date,
                end_date=period_plan.end_date,
                amount=amount,
            )
            period._history_user = by
            period.save()
            for order, ((percent, milestone), part) in enumerate(
                zip(plan, split(amount, [p for p, _m in plan]), strict=True), 1
            ):
                installment = Installment(
                    period=period,
                    order=order,
                    percent=percent,
                    amount=part,
                    milestone=milestone,
                    is_final=order == len(plan),
                )
                installment._history_user = by
                installment.save()
    return contract


def sign_as_organization(contract: Contract, *, by, no_subcontracting: bool) -> Contract:
    """The organization (or, for a joint application, its co-signing federation) signs,
    declaring that it will not pass the service on (不得转包)."""
    require(by, "procurement.act_for_contractor", contract)
    check_step(contract, CFLOW["org_sign"])
    if not no_subcontracting:
        raise WorkflowError(
            ErrorCode.NO_SUBCONTRACTING_DECLARATION,
            _("Sign the no-subcontracting declaration (不得转包) with the contract."),
            fields={"no_subcontracting": [_("The declaration is required.")]},
        )
    with transaction.atomic():
        contract.no_subcontracting_declared = True
        contract.org_signed_by = by
        contract.org_signed_at = timezone.now()
        move(
            contract,
            CFLOW["org_sign"],
            by=by,
            also=["no_subcontracting_declared", "org_signed_by", "org_signed_at"],
        )
    return contract


def _commit_period(period: ContractPeriod, budget: Budget, *, by) -> ContractPeriod:
    movement = funds.commit_budget(
        budget_id=budget.pk,
        amount=period.amount,
        purpose=SERVICES,
        by=by,
        cause=period,
        note=str(period),
    )
    period.budget = budget
    period.committed_movement = movement
    period.committed_at = timezone.now()
    # The movement is saved before the step: the database holds "committed ⇒ movement".
    period._history_user = by
    period.save(update_fields=["budget", "committed_movement", "committed_at"])
    move(period, PFLOW["commit"], by=by)
    return period


def countersign(contract: Contract, *, by) -> Contract:
    """The purchaser signs: the first year's amount is committed from the project's budget,
    in the same transaction (refused, nothing written, beyond what the budget has)."""
    require(by, "procurement.manage_contract", contract)
    check_step(contract, CFLOW["sign"])
    project = contract.project
    check_step(project, PROJECT_FLOW["contract"])
    with transaction.atomic():
        first = contract.periods.select_for_update().get(index=1)
        _commit_period(first, project.budget, by=by)
        contract.signed_by = by
        contract.signed_at = timezone.now()
        # Saved before the step: the database holds "signed ⇒ signed at, declared".
        contract._history_user = by
        contract.save(update_fields=["signed_by", "signed_at"])
        move(contract, CFLOW["sign"], by=by)
        move(project, PROJECT_FLOW["contract"], by=by)
    return contract


def start_service(contract: Contract, *, by) -> Contract:
    """The service starts: the contract and its project are in service."""
    require(by, "procurement.manage_contract", contract)
    check_step(contract, CFLOW["start"])
    with transaction.atomic():
        move(contract, CFLOW["start"], by=by)
        move(contract.project, PROJECT_FLOW["start"], by=by)
    return contract
