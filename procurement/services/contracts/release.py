"""A cancelled project's contract: unpaid commitments released to their budgets; paid money
refused."""

from decimal import Decimal

from django.utils.translation import gettext as _

from huitian import ledger
from huitian.ledger import yuan
from huitian.workflow import WorkflowError, move
from procurement.error_codes import ErrorCode
from procurement.models.contracts import (
    Contract,
    ContractPeriod,
    Installment,
)
from procurement.services import funds
from procurement.services.contracts.drafting import CFLOW, PFLOW, SERVICES


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
            "total": yuan(sum((i.paid_amount or Decimal("0") for i in paid), Decimal("0"))),
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
