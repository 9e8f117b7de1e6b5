"""The final installment paid by the year's score (the rest released) and the year settled."""

from decimal import ROUND_HALF_UP

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.ledger import yuan
from huitian.workflow import WorkflowError, check_step, move
from procurement.error_codes import ErrorCode
from procurement.models import (
    Budget,
    Contract,
    ContractPeriod,
    Installment,
    PurchaseProject,
)
from procurement.services import funds
from procurement.services.evaluation.scores import CENT, HUNDRED, final_payment_percent

# --- Payment by score and settlement ------------------------------------------------------


def _locked_period(period_id: int, by, permission: str) -> ContractPeriod:
    period = (
        ContractPeriod.objects.select_for_update(of=("self",))
        .select_related("contract__project__area", "budget")
        .get(pk=period_id)
    )
    require(by, permission, period.contract.project)
    return period


def pay_final_installment(*, period_id: int, by) -> Installment:
    """Pay the final installment by the year's score; release what is not paid.

    Below the schedule's last floor the installment is withheld (nothing released):
    the organization corrects, the year is evaluated again, and this pays then."""
    with transaction.atomic():
        period = _locked_period(period_id, by, "procurement.settle_contract")
        if period.state != ContractPeriod.State.EVALUATED or period.evaluation_score is None:
            raise WorkflowError(
                ErrorCode.NOT_EVALUATED,
                _(
                    "The final installment of year %(n)s is paid after its evaluation; "
                    "it is %(state)s."
                )
                % {"n": period.index, "state": period.get_state_display()},
            )
        final = Installment.objects.select_for_update().filter(period=period, is_final=True).first()
        if final is None:
            raise WorkflowError(
                ErrorCode.NO_FINAL_INSTALLMENT,
                _("Year %(n)s has no final installment.") % {"n": period.index},
            )
        unpaid = list(
            period.installments.filter(is_final=False)
            .exclude(state=Installment.State.PAID)
            .order_by("order")
        )
        if unpaid:
            raise WorkflowError(
                ErrorCode.EARLIER_INSTALLMENTS_UNPAID,
                _("Installment %(order)s (%(milestone)s) is not paid yet.")
                % {"order": unpaid[0].order, "milestone": unpaid[0].milestone},
            )
        percent = final_payment_percent(period.evaluation_score)
        if percent == 0:
            move(
                final,
                Installment.FLOW["withhold"],
                by=by,
                note=_("Score %(score)s: withheld until corrected and evaluated again.")
                % {"score": period.evaluation_score},
            )
            return final
        check_step(final, Installment.FLOW["pay_by_score"])
        amount = (final.amount * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        note = _("Score %(score)s: %(percent)s%% of ¥%(amount)s") % {
            "score": period.evaluation_score,
            "percent": percent.normalize(),
            "amount": yuan(final.amount),
        }
        common = {
            "budget_id": period.budget_id,
            "purpose": Budget.Purpose.SERVICES,
            "by": by,
            "cause": final,
        }
        final.paid_movement = funds.pay_from_budget(amount=amount, note=note, **common)
        final.paid_amount = amount
        final.paid_at = timezone.now()
        remainder = final.amount - amount
        if remainder > 0:
            final.released_movement = funds.release_commitment(
                amount=remainder,
                note=_("Not paid by the score %(score)s") % {"score": period.evaluation_score},
                **common,
            )
        # The payment fields first: the database refuses a paid row without its movement.
        final.save(update_fields=["paid_movement", "paid_amount", "paid_at", "released_movement"])
        move(final, Installment.FLOW["pay_by_score"], by=by, note=note)
    return final


def settle_period(*, period_id: int, by) -> ContractPeriod:
    """Settle an evaluated year whose final installment is paid; the contract's last
    year also completes the contract and settles the project."""
    with transaction.atomic():
        period = _locked_period(period_id, by, "procurement.settle_contract")
        final = period.installments.filter(is_final=True).first()
        if final is None or final.state != Installment.State.PAID:
            raise WorkflowError(
                ErrorCode.FINAL_INSTALLMENT_UNPAID,
                _("Year %(n)s is settled once its final installment is paid.")
                % {"n": period.index},
            )
        move(period, ContractPeriod.FLOW["settle"], by=by, note=_("Settled"))
        contract = Contract.objects.select_for_update().get(pk=period.contract_id)
        project = PurchaseProject.objects.select_for_update().get(pk=contract.project_id)
        # The contract's last year (跨年度: the next year opens through the contracts
        # service once this one passed; it puts the project back in service).
        last = period.index >= project.years
        if last:
            move(contract, Contract.FLOW["complete"], by=by, note=_("All years settled"))
            move(project, PurchaseProject.FLOW["settle"], by=by, note=_("All years settled"))
    return period
