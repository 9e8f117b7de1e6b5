"""The organization register (R1): codes, status steps, and the staff edits of a record.

Who edits an organization's record (DESIGN.md, "Decisions"): district staff every
organization; street and federation staff only filed community groups homed in their
street; community staff none. Legal particulars change only through a workflow step.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, Category, User
from huitian.validators import validate_uscc
from huitian.workflow import WorkflowError, move, record_creation
from registry.error_codes import ErrorCode
from registry.models import Organization
from registry.selectors import uscc_conflict

# Set only by a workflow step (registration, filing, certification, status, merger).
WORKFLOW_FIELDS = (
    "uscc",
    "legal_form",
    "registration_level",
    "status",
    "filing_number",
    "merged_into",
    "certificate_number",
    "certified_until",
)
# A registered organization's name is a legal particular too; a filed group's is not.
LEGAL_PARTICULARS = ("name", *WORKFLOW_FIELDS)


def check_uscc(uscc: str, *, for_staff: bool, exclude_pk=None) -> None:
    """Field error for a bad or taken code; only staff learn who holds a taken one."""
    validate_uscc(uscc)
    holder = uscc_conflict(uscc, exclude_pk=exclude_pk)
    if holder is not None:
        if for_staff:
            msg = _("This code is already registered to “%(name)s” (no. %(id)s).") % {
                "name": holder.name,
                "id": holder.pk,
            }
        else:
            msg = _("This code is already registered on the platform.")
        raise ValidationError({"uscc": [ValidationError(msg, code=ErrorCode.USCC_TAKEN)]})


def _fixed_fields(org: Organization) -> tuple[str, ...]:
    return WORKFLOW_FIELDS if org.is_filed else LEGAL_PARTICULARS


def enter_organization(
    *,
    by: User,
    data: dict,
    service_areas: Iterable[Area] = (),
    categories: Iterable[Category] = (),
) -> Organization:
    """District staff enter an organization registered elsewhere (e.g. one introduced from
    the city) into the register; the creation is the first line of its status history."""
    org = Organization(**data)
    org.status = Organization.Status.ACTIVE
    require(by, "registry.enter_organization", org)
    if org.is_filed:
        raise ValidationError(
            {"registration_level": [_("Filed groups enter the register through their filing.")]}
        )
    if org.uscc:
        check_uscc(org.uscc, for_staff=True)
    with transaction.atomic():
        org.full_clean()
        org.save()
        org.service_areas.set(list(service_areas) or [org.home_area])
        org.categories.set(list(categories))
        record_creation(org, by=by, state=org.status, step="enter")
    return org


def update_organization(
    *,
    organization_id: int,
    by: User,
    data: dict,
    service_areas: Iterable[Area] | None = None,
    categories: Iterable[Category] | None = None,
) -> Organization:
    """A staff edit of contacts, size, party building and the like. Legal particulars are
    refused here (a workflow step changes them); the record must stay inside the areas the
    editor may edit, so nobody moves an organization out of their reach."""
    with transaction.atomic():
        org = (
            Organization.objects.select_for_update()
            .select_related("home_area")
            .get(pk=organization_id)
        )
        require(by, "registry.edit_organization", org)
        fixed = {
            name: [_("This changes only through its workflow step, not by an edit.")]
            for name in _fixed_fields(org)
            if name in data and data[name] != getattr(org, name)
        }
        if fixed:
            raise ValidationError(fixed)
        for name, value in data.items():
            setattr(org, name, value)
        if not by.has_perm("registry.edit_organization", org):
            raise ValidationError(
                {"home_area": [_("You can only place an organization inside your own area.")]}
            )
        org.full_clean()
        org.save()
        if service_areas is not None:
            org.service_areas.set(list(service_areas))
        if categories is not None:
            org.categories.set(list(categories))
    return org


def change_organization_status(
    *, organization_id: int, step: str, by: User, note: str = "", merged_into_id=None
) -> Organization:
    """Suspend, reactivate, liquidate, deregister or merge: recorded in the status history."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        require(by, "registry.change_status", org)
        if step == "merge":
            if not merged_into_id or merged_into_id == org.pk:
                raise WorkflowError(
                    ErrorCode.SURVIVING_ORGANIZATION_REQUIRED,
                    _("A merger must name the surviving organization."),
                    fields={"merged_into": [_("Choose the surviving organization.")]},
                )
            org.merged_into = Organization.objects.get(pk=merged_into_id)
        move(
            org,
            Organization.STATUS_FLOW[step],
            by=by,
            note=note,
            field_name="status",
            also=["merged_into"],
        )
    return org
