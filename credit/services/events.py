"""The credit record (C1): record an event, reverse one. Nothing else writes events."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.error_codes import ErrorCode
from credit.models import CreditEvent
from credit.periods import add_years
from huitian.access import require
from huitian.sweep import enqueue_on_commit
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError
from registry.models import Organization

Kind = CreditEvent.Kind

# Default effect on the score and years until the event stops counting.
DEFAULT_EFFECTS = {
    Kind.MISSING_REPORT: -10,
    Kind.INTERVIEW: -5,
    Kind.WHISTLE_RESPONSE: 2,
    Kind.WHISTLE_NO_SHOW: -3,
    Kind.LIST_ENTRY: 0,  # list status counts in its own component
    Kind.LIST_REMOVAL: 0,
}
CONCLUSION_EFFECTS = {"pass": 5, "basic": 0, "fail": -10}
EVENT_YEARS = 3


def record_credit_event(
    *,
    organization_id: int,
    kind: str,
    summary: str,
    occurred_on: datetime.date | None = None,
    effect: int | None = None,
    expires_on: datetime.date | None = None,
    public: bool = True,
    source=None,
    by=None,
) -> CreditEvent:
    """Append one credit event. With a `source`, recording it again returns the first
    event (a retried caller never counts twice). Recomputes the rating on commit."""
    if kind == Kind.REVERSAL:
        raise ValidationError({"kind": [_("A correction is made by reversing an event.")]})
    occurred_on = occurred_on or timezone.localdate()
    if effect is None:
        effect = DEFAULT_EFFECTS.get(kind, 0)
    fields = {
        "organization_id": organization_id,
        "kind": kind,
        "source_type": ContentType.objects.get_for_model(type(source)) if source else None,
        "source_id": source.pk if source else None,
    }
    if source is not None:
        existing = CreditEvent.objects.filter(**fields).first()
        if existing is not None:
            return existing
    event = CreditEvent(
        **fields,
        occurred_on=occurred_on,
        effect=effect,
        expires_on=expires_on or add_years(occurred_on, EVENT_YEARS),
        public=public,
        summary=summary[:200],
        recorded_by=by if getattr(by, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        if source is None:
            raise
        return CreditEvent.objects.get(**fields)  # a concurrent caller recorded it first
    enqueue_on_commit(_recompute_task(), organization_id)
    return event


def reverse_credit_event(*, event_id: int, by, reason: str) -> CreditEvent:
    """Correct an event: a new event cancelling its effect, with a reason (C1)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the event is corrected.")]})
    check_lengths(reason=(reason, CreditEvent.REASON_MAX_LENGTH))
    with transaction.atomic():
        event = CreditEvent.objects.select_related("organization__home_area").get(pk=event_id)
        Organization.objects.select_for_update().filter(pk=event.organization_id).first()
        require(by, "credit.reverse_event", event.organization)
        if event.kind == Kind.REVERSAL:
            raise WorkflowError(
                ErrorCode.CANNOT_REVERSE_REVERSAL, _("A correction cannot itself be reversed.")
            )
        if CreditEvent.objects.filter(reverses=event).exists():
            raise WorkflowError(ErrorCode.ALREADY_REVERSED, _("This event was already corrected."))
        reversal = CreditEvent.objects.create(
            organization=event.organization,
            kind=Kind.REVERSAL,
            occurred_on=timezone.localdate(),
            effect=-event.effect,
            expires_on=event.expires_on,
            public=event.public,
            summary=_("Correction of “%(event)s”") % {"event": event.summary[:150]},
            reverses=event,
            reason=reason.strip(),
            recorded_by=by,
        )
        enqueue_on_commit(_recompute_task(), event.organization_id)
    return reversal


def _recompute_task():
    from credit.tasks import recompute_star_rating

    return recompute_star_rating
