"""Subcontractors for non-core parts of the service (不得转包: never the core service)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from huitian import ledger
from huitian.access import require
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError
from procurement.error_codes import ErrorCode
from procurement.models.contracts import (
    NAME_MAX,
    Contract,
    Subcontractor,
)


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
