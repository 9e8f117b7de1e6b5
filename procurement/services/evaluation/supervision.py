"""Process supervision (过程督导): visits with findings, corrective actions opened and closed."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import has_role, require
from huitian.models import Role
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move
from procurement.error_codes import ErrorCode
from procurement.models import (
    Contract,
    CorrectiveAction,
    PurchaseProject,
    SupervisionVisit,
)
from procurement.models import supervision as m

# --- Supervision ----------------------------------------------------------------------


def _project_of(contract: Contract) -> PurchaseProject:
    return contract.project


def _in_service(contract: Contract) -> None:
    if contract.state != Contract.State.IN_SERVICE:
        raise WorkflowError(
            ErrorCode.NOT_IN_SERVICE,
            _("Contract %(number)s is %(state)s, not in service.")
            % {"number": contract.number, "state": contract.get_state_display()},
        )


def record_visit(
    *, contract_id: int, visited_on: datetime.date, findings: str, by, visitor=None
) -> SupervisionVisit:
    """A supervision visit to a contract in service; `visitor` defaults to who records it."""
    check_lengths(findings=(findings, m.FINDINGS_MAX))
    if not (findings or "").strip():
        raise ValidationError({"findings": [_("Say what the visit found.")]})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": [_("A visit cannot be recorded ahead of its date.")]})
    with transaction.atomic():
        contract = Contract.objects.select_related("project__area").get(pk=contract_id)
        require(by, "procurement.supervise_contract", contract.project)
        _in_service(contract)
        visitor = visitor or by
        if visitor.pk != by.pk and not (
            has_role(visitor, Role.EVALUATOR)
            or visitor.has_perm("procurement.supervise_contract", contract.project)
        ):
            raise ValidationError(
                {"visitor": [_("The visitor is neither the purchaser's staff nor an evaluator.")]}
            )
        visit = SupervisionVisit(
            contract=contract, visited_on=visited_on, visitor=visitor, findings=findings.strip()
        )
        visit._history_user = by
        visit.save()
    return visit


def open_corrective_action(
    *, visit_id: int, description: str, due: datetime.date, by
) -> CorrectiveAction:
    check_lengths(description=(description, m.ACTION_MAX))
    if not (description or "").strip():
        raise ValidationError({"description": [_("Say what must be corrected.")]})
    with transaction.atomic():
        visit = SupervisionVisit.objects.select_related("contract__project__area").get(pk=visit_id)
        require(by, "procurement.supervise_contract", visit.contract.project)
        if due < visit.visited_on:
            raise ValidationError({"due": [_("The correction cannot be due before the visit.")]})
        action = CorrectiveAction(
            visit=visit, description=description.strip(), due=due, created_by=by
        )
        action._history_user = by
        action.save()
    return action


def close_corrective_action(*, action_id: int, note: str, by) -> CorrectiveAction:
    """Close an action as corrected, saying how (the note is the transition's record)."""
    with transaction.atomic():
        action = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("visit__contract__project__area")
            .get(pk=action_id)
        )
        require(by, "procurement.supervise_contract", action.visit.contract.project)
        move(action, CorrectiveAction.FLOW["close"], by=by, note=note)
    return action


def reopen_corrective_action(*, action_id: int, note: str, by) -> CorrectiveAction:
    with transaction.atomic():
        action = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("visit__contract__project__area")
            .get(pk=action_id)
        )
        require(by, "procurement.supervise_contract", action.visit.contract.project)
        move(action, CorrectiveAction.FLOW["reopen"], by=by, note=note)
    return action
