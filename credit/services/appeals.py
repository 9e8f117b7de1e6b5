"""Appeals (C3): an organization's member objects; the registration body decides."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.error_codes import ErrorCode
from credit.models import Appeal, Evaluation, ListEntry, StarRating
from credit.services.grades import reopen_after_appeal
from credit.services.lists import _remove
from huitian.access import organization_ids, require
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move, save_new
from registry.models import Organization


def submit_appeal(
    *,
    by,
    grounds: str,
    rating_id: int | None = None,
    list_entry_id: int | None = None,
    grade_id: int | None = None,
) -> Appeal:
    """A member of the organization appeals its rating, a list entry or its grade
    evaluation result (404 for another organization's record)."""
    if sum(1 for pk in (rating_id, list_entry_id, grade_id) if pk) != 1:
        raise ValidationError(
            {"rating": [_("Appeal one record: a star rating, a list entry or a grade.")]}
        )
    if not (grounds or "").strip():
        raise ValidationError({"grounds": [_("Say why the record is wrong.")]})
    check_lengths(grounds=(grounds, Appeal.GROUNDS_MAX_LENGTH))
    own = organization_ids(by)
    with transaction.atomic():
        if rating_id:
            model, pk, field = StarRating, rating_id, "rating"
        elif list_entry_id:
            model, pk, field = ListEntry, list_entry_id, "list_entry"
        else:
            model, pk, field = Evaluation, grade_id, "grade"
        subject = get_object_or_404(model.objects.filter(organization_id__in=own), pk=pk)
        Organization.objects.select_for_update().filter(pk=subject.organization_id).first()
        if field == "grade" and subject.state != Evaluation.State.AWARDED:
            raise WorkflowError(
                ErrorCode.GRADE_NOT_AWARDED,
                _("Only an awarded grade can be appealed; this evaluation is %(state)s.")
                % {"state": subject.get_state_display()},
            )
        if Appeal.objects.filter(**{field: subject}, state=Appeal.State.SUBMITTED).exists():
            raise WorkflowError(
                ErrorCode.ALREADY_APPEALED, _("An appeal of this record is already open.")
            )
        appeal = Appeal(
            organization_id=subject.organization_id,
            grounds=grounds.strip(),
            submitted_by=by,
            **{field: subject},
        )
        save_new(appeal, by=by, step="file")
    return appeal


def decide_appeal(*, appeal_id: int, by, uphold: bool, reason: str) -> Appeal:
    """Uphold or dismiss, always with a reason. Upheld, a wrong list entry is removed at
    once and a grade goes back to the evaluator for re-evaluation (its credit event
    corrected); the decision is shown on the public credit page."""
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
        if uphold and appeal.grade_id:
            reopen_after_appeal(
                evaluation_id=appeal.grade_id,
                by=by,
                reason=_("Appeal upheld: %(reason)s") % {"reason": appeal.decision},
            )
    return appeal
