"""Contracts of purchase projects (P8): drafting with yearly periods and installments,
signing (the organization, then the purchaser, whose countersignature commits the first
year's amount in the ledger), milestone reports, payment of installments, the next
year of a continuous purchase, subcontractors.

Money moves only through `procurement.services.funds` (`commit_budget`,
`pay_from_budget`), each movement caused by the period or installment, in the same
transaction as the state it changes.
"""

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
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move, save_new
from procurement.error_codes import ErrorCode
from procurement.models.contracts import (
    NAME_MAX,
    TEXT_MAX,
    Contract,
    ContractPeriod,
    Installment,
    MilestoneReport,
    Subcontractor,
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
            % {"total": total, "budget": project.budget_amount},
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


def _require_in_service(contract: Contract) -> None:
    if contract.state != Contract.State.IN_SERVICE:
        raise WorkflowError(
            ErrorCode.CONTRACT_NOT_IN_SERVICE,
            _("The contract is %(state)s, not in service.")
            % {"state": contract.get_state_display()},
        )


def submit_milestone_report(
    installment: Installment, *, by, text: str, attachment=None
) -> MilestoneReport:
    """The organization reports the milestone an installment pays for."""
    period = installment.period
    contract = period.contract
    require(by, "procurement.act_for_contractor", contract)
    _require_in_service(contract)
    if period.state != ContractPeriod.State.COMMITTED:
        raise WorkflowError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("Year %(index)s of the contract has not started.") % {"index": period.index},
        )
    if installment.state != Installment.State.PENDING:
        raise WorkflowError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("This installment's milestone is already accepted."),
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Describe what was delivered.")]})
    check_lengths(text=(text, TEXT_MAX))
    with transaction.atomic():
        Installment.objects.select_for_update().get(pk=installment.pk)
        if installment.reports.filter(state=MilestoneReport.State.SUBMITTED).exists():
            raise WorkflowError(
                ErrorCode.REPORT_PENDING,
                _("A report on this milestone is waiting for the purchaser."),
            )
        report = MilestoneReport(installment=installment, text=text, submitted_by=by)
        if attachment:
            report.attachment = attachment
            report.full_clean(exclude=["installment", "submitted_by", "decided_by"])
        save_new(report, by=by, step="file")
    return report


def accept_milestone_report(report: MilestoneReport, *, by, note: str = "") -> MilestoneReport:
    """The purchaser accepts the report: the installment becomes payable."""
    installment = report.installment
    require(by, "procurement.manage_contract", installment.period.contract)
    check_step(report, RFLOW["accept"])
    check_lengths(note=(note, 500))
    with transaction.atomic():
        report.decided_by = by
        report.decided_at = timezone.now()
        report.decision_note = note
        move(
            report,
            RFLOW["accept"],
            by=by,
            note=note,
            also=["decided_by", "decided_at", "decision_note"],
        )
        move(installment, IFLOW["accept_milestone"], by=by)
    return report


def return_milestone_report(report: MilestoneReport, *, by, note: str) -> MilestoneReport:
    """The purchaser returns the report with the reason; the organization reports again."""
    require(by, "procurement.manage_contract", report.installment.period.contract)
    note = (note or "").strip()
    check_lengths(note=(note, 500))
    check_step(report, RFLOW["return"], note=note)
    with transaction.atomic():
        report.decided_by = by
        report.decided_at = timezone.now()
        report.decision_note = note
        move(
            report,
            RFLOW["return"],
            by=by,
            note=note,
            also=["decided_by", "decided_at", "decision_note"],
        )
    return report


def pay_installment(installment: Installment, *, by) -> Installment:
    """Pay a non-final installment whose milestone report was accepted.

    The final installment is paid according to the evaluation's score (item 6's
    service); it is refused here with `evaluation_required`.
    """
    period = installment.period
    contract = period.contract
    require(by, "procurement.manage_contract", contract)
    if installment.is_final:
        raise WorkflowError(
            ErrorCode.EVALUATION_REQUIRED,
            _("The final installment is paid according to the evaluation: evaluation required."),
        )
    if installment.state == Installment.State.PENDING:
        raise WorkflowError(
            ErrorCode.MILESTONE_NOT_ACCEPTED,
            _("The milestone report for this installment has not been accepted."),
        )
    check_step(installment, IFLOW["pay"])
    if period.state != ContractPeriod.State.COMMITTED or period.budget_id is None:
        raise WorkflowError(
            ErrorCode.ILLEGAL_TRANSITION, _("This contract year's amount is not committed.")
        )
    with transaction.atomic():
        locked = Installment.objects.select_for_update().get(pk=installment.pk)
        check_step(locked, IFLOW["pay"])
        movement = funds.pay_from_budget(
            budget_id=period.budget_id,
            amount=installment.amount,
            purpose=SERVICES,
            by=by,
            cause=installment,
            note=str(installment),
        )
        installment.paid_amount = installment.amount
        installment.paid_movement = movement
        installment.paid_at = timezone.now()
        # Saved before the step: the database holds "paid ⇒ movement and time".
        installment._history_user = by
        installment.save(update_fields=["paid_amount", "paid_movement", "paid_at"])
        move(installment, IFLOW["pay"], by=by)
    return installment


def _next_budget(previous: Budget) -> Budget | None:
    return Budget.objects.filter(
        source_id=previous.source_id, area_id=previous.area_id, year=previous.year + 1
    ).first()


def open_next_period(contract: Contract, *, by, budget: Budget | None = None) -> ContractPeriod:
    """跨年度连续购买: commit the next year's amount, only once the previous year's
    evaluation passed (`evaluation_grade`, filled by item 6). At most three years.

    The next year's budget is the same source's and area's budget for the following year
    unless one is given.
    """
    require(by, "procurement.manage_contract", contract)
    if contract.state not in (Contract.State.IN_SERVICE, Contract.State.SIGNED):
        raise WorkflowError(
            ErrorCode.CONTRACT_NOT_IN_SERVICE,
            _("The contract is %(state)s, not in service.")
            % {"state": contract.get_state_display()},
        )
    with transaction.atomic():
        periods = list(contract.periods.select_for_update().order_by("index"))
        started = [p for p in periods if p.state != ContractPeriod.State.PLANNED]
        previous = started[-1] if started else None
        if previous is not None and previous.index >= MAX_CONTRACT_YEARS:
            raise WorkflowError(
                ErrorCode.TOO_MANY_YEARS,
                _("A continuous purchase runs at most %(most)s years.")
                % {"most": MAX_CONTRACT_YEARS},
            )
        following = next(
            (p for p in periods if previous is None or p.index == previous.index + 1), None
        )
        if previous is None or following is None:
            raise WorkflowError(ErrorCode.NO_NEXT_PERIOD, _("The contract plans no further year."))
        if not previous.evaluation_passed:
            raise WorkflowError(
                ErrorCode.EVALUATION_NOT_PASSED,
                _("Year %(index)s has not passed its evaluation (%(grade)s).")
                % {
                    "index": previous.index,
                    "grade": previous.get_evaluation_grade_display() or _("not evaluated"),
                },
            )
        budget = budget or _next_budget(previous.budget)
        if budget is None:
            raise WorkflowError(
                ErrorCode.NO_BUDGET,
                _("There is no %(year)s budget of %(source)s for %(area)s yet.")
                % {
                    "year": previous.budget.year + 1,
                    "source": previous.budget.source.name,
                    "area": previous.budget.area.name,
                },
            )
        _commit_period(following, budget, by=by)
        # Read again: the caller's project may predate the year's settlement (evaluated).
        project = PurchaseProject.objects.select_for_update().get(pk=contract.project_id)
        if project.state == PurchaseProject.State.EVALUATED:
            move(project, PROJECT_FLOW["resume"], by=by, note=str(following))
    return following


def paid_refusal(contract: Contract) -> WorkflowError | None:
    """Why a cancel may not release this contract's money: something was already paid."""
    paid = list(
        Installment.objects.filter(period__contract=contract, paid_movement__isnull=False)
        .select_related("period")
        .order_by("period__index", "order")
    )
    if not paid:
        return None
    return WorkflowError(
        ErrorCode.ALREADY_PAID,
        _(
            "Contract %(number)s has already paid ¥%(total)s (first: installment "
            "%(order)s of year %(index)s); a cancel does not take paid money back."
        )
        % {
            "number": contract.number,
            "total": sum((i.paid_amount or Decimal("0") for i in paid), Decimal("0")),
            "order": paid[0].order,
            "index": paid[0].period.index,
        },
    )


def release_on_cancel(contract: Contract, *, by, reason: str) -> list:
    """The project is cancelled: each committed year's amount goes back to its budget
    (a `release` movement caused by the contract, noting the reason), the years and the
    contract end. Paid money is not taken back by a cancel: refused, nothing written.
    Runs inside the caller's transaction, with the contract locked."""
    refusal = paid_refusal(contract)
    if refusal is not None:
        raise refusal
    releases = []
    for period in contract.periods.select_for_update().order_by("index"):
        if period.state == ContractPeriod.State.CANCELLED:
            continue
        if period.committed_movement_id is not None:
            releases.append(
                funds.release_commitment(
                    budget_id=period.budget_id,
                    amount=period.amount,
                    purpose=SERVICES,
                    by=by,
                    cause=contract,
                    note=(
                        _("Year %(index)s of %(number)s cancelled: %(reason)s")
                        % {"index": period.index, "number": contract.number, "reason": reason}
                    )[: ledger.NOTE_MAX_LENGTH],
                )
            )
        move(period, PFLOW["cancel"], by=by, note=reason[:500])
    if contract.state in CFLOW["terminate"].source:
        move(contract, CFLOW["terminate"], by=by, note=reason[:500])
    return releases


def add_subcontractor(
    contract: Contract,
    *,
    by,
    name: str,
    work: str,
    is_core_service: bool,
    uscc: str = "",
    amount=None,
) -> Subcontractor:
    """Record a subcontractor for a non-core part of the service; the core service is
    never subcontracted (不得转包) — refused here, and by the database."""
    if not (by.has_perm("procurement.manage_contract", contract)):
        require(by, "procurement.act_for_contractor", contract)
    if is_core_service:
        raise WorkflowError(
            ErrorCode.CORE_SERVICE_SUBCONTRACT,
            _("The core service may not be subcontracted (不得转包)."),
            fields={"is_core_service": [_("The core service may not be subcontracted.")]},
        )
    if contract.state in (Contract.State.COMPLETED, Contract.State.TERMINATED):
        raise WorkflowError(ErrorCode.ILLEGAL_TRANSITION, _("The contract has ended."))
    name = (name or "").strip()
    work = (work or "").strip()
    errors = {
        f: [_("This field is required.")] for f, v in (("name", name), ("work", work)) if not v
    }
    if errors:
        raise ValidationError(errors)
    check_lengths(name=(name, NAME_MAX), work=(work, NAME_MAX), uscc=(uscc or "", 18))
    record = Subcontractor(
        contract=contract,
        name=name,
        work=work,
        is_core_service=False,
        uscc=(uscc or "").strip(),
        amount=ledger.money(amount) if amount not in (None, "") else None,
        recorded_by=by,
    )
    record._history_user = by
    record.save()
    return record
