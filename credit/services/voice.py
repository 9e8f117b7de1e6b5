"""Public voice (C5): residents rate and complain; staff verify complaints before they count.

A verified complaint is a credit event (and lowers the service component of the stars);
a spike of verified complaints notifies the supervising staff once per window.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.error_codes import ErrorCode
from credit.models import Complaint, CreditEvent, ServiceReview
from credit.rules import SUPERVISORS
from credit.selectors.settings import credit_settings
from credit.selectors.voice import attended_activity, handled_need, verified_complaints
from credit.services.events import record_credit_event
from huitian.access import require
from huitian.models import Notification
from huitian.selectors import staff_of
from huitian.services import notify
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move, save_new
from registry.models import Organization

SPIKE_KIND = "credit.complaint_spike"


def _subject(by, need_id, activity_id) -> dict:
    """{"organization", "need" | "activity"}: what the resident took part in (404 if not)."""
    if bool(need_id) == bool(activity_id):
        raise ValidationError({"need": [_("Choose either a need or an activity.")]})
    if need_id:
        need = handled_need(by, need_id)
        if need is None:
            raise WorkflowError(
                ErrorCode.NOT_TAKEN_PART,
                _("Only the resident whose need an organization handled may rate it."),
                fields={"need": [_("Not one of your handled needs.")]},
            )
        return {"organization": need.assigned_org, "need": need}
    activity = attended_activity(by, activity_id)
    if activity is None:
        raise WorkflowError(
            ErrorCode.NOT_TAKEN_PART,
            _("Only a resident who took a place in the activity may rate it."),
            fields={"activity": [_("Not one of your activities.")]},
        )
    return {"organization": activity.organization, "activity": activity}


def rate_service(
    *, by, rating: int, comment: str = "", need_id: int | None = None, activity_id=None
) -> ServiceReview:
    """One rating per resident per need or activity they took part in."""
    if not getattr(by, "is_authenticated", False):
        raise ValidationError({"rating": [_("Sign in to rate a service.")]})
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Rate from 1 to 5.")]})
    check_lengths(comment=(comment or "", ServiceReview.COMMENT_MAX_LENGTH))
    subject = _subject(by, need_id, activity_id)
    review = ServiceReview(resident=by, rating=rating, comment=(comment or "").strip(), **subject)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:
        raise WorkflowError(
            ErrorCode.ALREADY_RATED, _("You have already rated this service.")
        ) from exc
    return review


def file_complaint(
    *, by, text: str, need_id: int | None = None, activity_id: int | None = None
) -> Complaint:
    """A resident's complaint about a service they took part in; it counts only once verified."""
    if not (text or "").strip():
        raise ValidationError({"text": [_("Say what went wrong.")]})
    check_lengths(text=(text, Complaint.TEXT_MAX_LENGTH))
    subject = _subject(by, need_id, activity_id)
    complaint = Complaint(resident=by, text=text.strip(), **subject)
    try:
        with transaction.atomic():
            save_new(complaint, by=by, step="file")
    except IntegrityError as exc:
        raise WorkflowError(
            ErrorCode.ALREADY_RATED, _("You have already complained about this service.")
        ) from exc
    return complaint


def decide_complaint(
    *, by, complaint_id: int, verified: bool, reason: str, today: datetime.date | None = None
) -> Complaint:
    """Supervising staff verify (a credit event; maybe a spike notice) or reject, with reasons."""
    today = today or timezone.localdate()
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say what the check found.")]})
    check_lengths(reason=(reason, 500))
    with transaction.atomic():
        complaint = get_object_or_404(Complaint.objects.select_for_update(), pk=complaint_id)
        org = Organization.objects.select_related("home_area").get(pk=complaint.organization_id)
        require(by, "credit.verify_complaint", org)
        complaint.decision = reason.strip()
        complaint.decided_on = today
        step = Complaint.FLOW["verify" if verified else "reject"]
        move(complaint, step, by=by, note=complaint.decision, also=["decision", "decided_on"])
        if verified:
            record_credit_event(
                organization_id=org.pk,
                kind=CreditEvent.Kind.COMPLAINT,
                occurred_on=today,
                effect=credit_settings().complaint_effect,
                summary=_("Verified complaint: %(text)s") % {"text": complaint.text[:120]},
                source=complaint,
                by=by,
            )
            _notify_spike(org, today=today)
    return complaint


def _notify_spike(org: Organization, *, today: datetime.date) -> bool:
    """Tell the supervising staff when verified complaints reach the spike (once a window)."""
    conf = credit_settings()
    since = today - datetime.timedelta(days=conf.complaint_spike_days - 1)
    if verified_complaints(org.pk, since=since) < conf.complaint_spike_count:
        return False
    url = reverse("credit:organization", args=[org.pk])
    window_start = timezone.now() - datetime.timedelta(days=conf.complaint_spike_days)
    if Notification.objects.filter(kind=SPIKE_KIND, url=url, created_at__gte=window_start).exists():
        return False
    notify(
        recipients=staff_of(org.home_area, SUPERVISORS),
        kind=SPIKE_KIND,
        title=_("%(org)s: %(n)d verified complaints within %(days)d days")
        % {
            "org": org.name,
            "n": verified_complaints(org.pk, since=since),
            "days": conf.complaint_spike_days,
        },
        url=url,
        email=True,
    )
    return True
