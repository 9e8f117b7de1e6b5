"""Deregistration and liquidation (R9)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import User
from huitian.workflow import WorkflowError, move, record_creation
from registry.error_codes import ErrorCode
from registry.models import (
    Deregistration,
    LiquidationAsset,
    Organization,
)
from registry.selectors import inventory_problems


def open_deregistration(
    *, organization_id: int, by: User, kind: str, reason: str, surviving_organization_id=None
):
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        require(by, "registry.open_deregistration", org)
        if org.deregistrations.exclude(state=Deregistration.State.DEREGISTERED).exists():
            raise WorkflowError(
                ErrorCode.ALREADY_OPEN,
                _("A deregistration is already under way for this organization."),
            )
        if org.status in (Organization.Status.DEREGISTERED, Organization.Status.MERGED):
            raise WorkflowError(
                ErrorCode.ORGANIZATION_CLOSED, _("The organization is already closed.")
            )
        if kind == Deregistration.Kind.MERGER and not surviving_organization_id:
            raise ValidationError(
                {"surviving_organization": [_("A merger must name the surviving organization.")]}
            )
        dereg = Deregistration(
            organization=org,
            kind=kind,
            reason=reason,
            surviving_organization_id=surviving_organization_id,
        )
        dereg.full_clean()
        dereg.save()
        record_creation(dereg, by=by, state=dereg.state)
    return dereg


def _managed(deregistration_id: int, by: User) -> Deregistration:
    """Lock a deregistration for a step only the district managing it may take."""
    dereg = (
        Deregistration.objects.select_for_update()
        .select_related("organization__home_area")
        .get(pk=deregistration_id)
    )
    require(by, "registry.manage_deregistration", dereg.organization)
    return dereg


def start_liquidation(*, deregistration_id: int, by: User):
    with transaction.atomic():
        dereg = _managed(deregistration_id, by)
        move(dereg, Deregistration.FLOW["start_liquidation"], by=by)
        org = Organization.objects.select_for_update().get(pk=dereg.organization_id)
        move(org, Organization.STATUS_FLOW["start_liquidation"], by=by, field_name="status")
    return dereg


def _liquidating(deregistration_id: int, by: User) -> Deregistration:
    """Lock a deregistration whose inventory may change: only while it is liquidating."""
    dereg = _managed(deregistration_id, by)
    if dereg.state != Deregistration.State.LIQUIDATING:
        raise WorkflowError(
            ErrorCode.NOT_LIQUIDATING,
            _("The inventory can only change during liquidation; it is %(state)s.")
            % {"state": dereg.get_state_display()},
        )
    return dereg


def record_liquidation_asset(
    *, deregistration_id: int, by: User, description: str, value
) -> LiquidationAsset:
    """Add one asset to the liquidation inventory (清算财产清单), not yet disposed."""
    with transaction.atomic():
        dereg = _liquidating(deregistration_id, by)
        asset = LiquidationAsset(deregistration=dereg, description=description, value=value)
        asset.full_clean()
        asset.save()
    return asset


def dispose_liquidation_asset(
    *, asset_id: int, by: User, disposal: str, disposed_value, recipient: str
) -> LiquidationAsset:
    """Record how one asset left the organization: how, for how much, to whom."""
    errors = {}
    if disposal not in LiquidationAsset.Disposal.values or not disposal:
        errors["disposal"] = [_("Choose how the asset was disposed of.")]
    if disposed_value is None:
        errors["disposed_value"] = [_("Enter the value disposed.")]
    if not (recipient or "").strip():
        errors["recipient"] = [_("Name who received the asset.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        asset = LiquidationAsset.objects.select_for_update().get(pk=asset_id)
        _liquidating(asset.deregistration_id, by)
        if asset.disposal:
            raise WorkflowError(
                ErrorCode.ALREADY_DISPOSED,
                _("“%(asset)s” was already disposed of.") % {"asset": asset.description},
            )
        asset.disposal = disposal
        asset.disposed_value = disposed_value
        asset.recipient = recipient
        asset.full_clean()
        asset.save(update_fields=["disposal", "disposed_value", "recipient"])
    return asset


def complete_deregistration(*, deregistration_id: int, by: User, note: str = ""):
    """Deregister (注销): refused while any asset is undisposed or the inventory is off."""
    with transaction.atomic():
        dereg = _managed(deregistration_id, by)
        if dereg.state == Deregistration.State.LIQUIDATING:
            problems = inventory_problems(dereg)
            if problems:
                raise WorkflowError(
                    ErrorCode.INVENTORY_INCOMPLETE, " ".join(str(p) for p in problems)
                )
        move(dereg, Deregistration.FLOW["deregister"], by=by, note=note)
        org = Organization.objects.select_for_update().get(pk=dereg.organization_id)
        step = "deregister"
        if dereg.kind == Deregistration.Kind.MERGER:
            org.merged_into_id = dereg.surviving_organization_id
            step = "merge"
        move(
            org,
            Organization.STATUS_FLOW[step],
            by=by,
            note=note,
            field_name="status",
            also=["merged_into"],
        )
    return dereg
