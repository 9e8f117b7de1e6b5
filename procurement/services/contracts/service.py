"""A contract in service: milestone reports, installments paid, the next year of a
continuous purchase committed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move, save_new
from procurement.error_codes import ErrorCode
from procurement.models.contracts import (
    TEXT_MAX,
    Contract,
    ContractPeriod,
    Installment,
    MilestoneReport,
)
from procurement.models.funds import Budget
from procurement.models.projects import MAX_CONTRACT_YEARS, PurchaseProject
from procurement.services import funds
from procurement.services.contracts.drafting import (
    IFLOW,
    PROJECT_FLOW,
    RFLOW,
    SERVICES,
    _commit_period,
)


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
