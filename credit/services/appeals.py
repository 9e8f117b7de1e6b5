"""Appeals (C3): an organization's member objects; the registration body decides."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.error_codes import ErrorCode
from credit.models import Appeal, ListEntry, StarRating
from credit.services.lists import _remove
from huitian.access import organization_ids, require
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move, save_new
from registry.models import Organization


def submit_appeal(
    *, by, grounds: str, rating_id: int | None = None, list_entry_id: int | None = None
) -> Appeal:
    """A member of the organization appeals its rating or list entry (404 for another's)."""
    if bool(rating_id) == bool(list_entry_id):
        raise ValidationError({"rating": [_("Appeal either a star rating or a list entry.")]})
    if not (grounds or "").strip():
        raise ValidationError({"grounds": [_("Say why the record is wrong.")]})
    check_lengths(grounds=(grounds, Appeal.GROUNDS_MAX_LENGTH))
    own = organization_ids(by)
    with transaction.atomic():
        if rating_id:
            subject = get_object_or_404(
                StarRating.objects.filter(organization_id__in=own), pk=rating_id
            )
            open_ = Appeal.objects.filter(rating=subject, state=Appeal.State.SUBMITTED)
        else:
            subject = get_object_or_404(
                ListEntry.objects.filter(organization_id__in=own), pk=list_entry_id
            )
            open_ = Appeal.objects.filter(list_entry=subject, state=Appeal.State.SUBMITTED)
        Organization.objects.select_for_update().filter(pk=subject.organization_id).first()
        if open_.exists():
            raise WorkflowError(
                ErrorCode.ALREADY_APPEALED, _("An appeal of this record is already open.")
            )
        appeal = Appeal(
            organization_id=subject.organization_id,
            rating=subject if rating_id else None,
            list_entry=subject if list_entry_id else None,
            grounds=grounds.strip(),
            submitted_by=by,
        )
        save_new(appeal, by=by, step="file")
    return appeal


def decide_appeal(*, appeal_id: int, by, uphold: bool, reason: str) -> Appeal:
    """Uphold (a wrong list entry is removed at once) or dismiss, always with a reason."""
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
        org = Organization.objects.select_related("home_area").get(pk=appeal.organization_id)
        require(by, "credit.decide_listing", org)
        check_lengths(decision=(reason or "", 500))
        appeal.decision = (reason or "").strip()
        step = Appeal.FLOW["uphold" if uphold else "dismiss"]
        move(appeal, step, by=by, note=appeal.decision, also=["decision"])
        if uphold and appeal.list_entry_id:
            entry = ListEntry.objects.select_for_update().get(pk=appeal.list_entry_id)
            if entry.state == ListEntry.State.LISTED:
                _remove(
                    entry,
                    by=by,
                    reason=_("Appeal upheld: %(reason)s") % {"reason": appeal.decision},
                    on=timezone.localdate(),
                )
    return appeal
