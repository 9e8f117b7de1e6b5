"""Check-in and check-out (by the organizer or with the venue's one-time code) and
the hours the organizer confirms (V2)."""

import datetime
import secrets
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import Forbidden, require
from huitian.models import User
from huitian.services import notify
from huitian.workflow import WorkflowError
from volunteers.error_codes import ErrorCode
from volunteers.models import Activity, CheckinCode, Signup

CODE_LIFETIME = datetime.timedelta(minutes=10)
CHECKIN_OPENS_BEFORE = datetime.timedelta(hours=1)


@transaction.atomic
def issue_checkin_code(*, activity_id: int, by: User) -> CheckinCode:
    """A fresh six-digit code for the venue screen: one use, ten minutes."""
    activity = Activity.objects.get(pk=activity_id)
    require(by, "volunteers.organize_activity", activity)
    now = timezone.now()
    for _attempt in range(10):
        code = f"{secrets.randbelow(10**6):06d}"
        if not CheckinCode.objects.filter(activity=activity, code=code).exists():
            break
    return CheckinCode.objects.create(activity=activity, code=code, expires_at=now + CODE_LIFETIME)


def _claim_code(signup: Signup, code: str) -> None:
    """Use the code once (conditional UPDATE: of two volunteers typing it, one wins)."""
    now = timezone.now()
    code = (code or "").strip()
    claimed = CheckinCode.objects.filter(
        activity_id=signup.activity_id, code=code, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, used_by=signup)
    if claimed:
        return
    row = CheckinCode.objects.filter(activity_id=signup.activity_id, code=code).first()
    fields = {"code": []}
    if row is None:
        raise WorkflowError(
            ErrorCode.CODE_INVALID, _("This code is not the one shown at the venue."), fields
        )
    if row.used_at is not None:
        raise WorkflowError(
            ErrorCode.CODE_USED,
            _("This code has already been used; ask the organizer for a new one."),
            fields,
        )
    raise WorkflowError(
        ErrorCode.CODE_EXPIRED, _("This code has expired; ask the organizer for a new one."), fields
    )


def _locked_signup(signup_id: int, by: User, code: str | None) -> Signup:
    signup = (
        Signup.objects.select_for_update(of=("self",))
        .select_related("activity", "volunteer")
        .get(pk=signup_id)
    )
    if code is None:
        require(by, "volunteers.organize_activity", signup.activity)
    elif signup.volunteer.user_id != by.pk:
        raise Forbidden(_("Volunteers check in only themselves."), code=ErrorCode.PERMISSION_DENIED)
    if signup.state != Signup.State.CONFIRMED:
        raise WorkflowError(
            ErrorCode.NOT_SIGNED_UP, _("Only volunteers with a confirmed place check in.")
        )
    return signup


@transaction.atomic
def check_in(*, signup_id: int, by: User, code: str | None = None) -> Signup:
    """By the organizer (no code) or by the volunteer with the code shown at the venue."""
    signup = _locked_signup(signup_id, by, code)
    activity, now = signup.activity, timezone.now()
    if signup.checked_in_at is not None:
        raise WorkflowError(ErrorCode.ALREADY_CHECKED_IN, _("Already checked in."))
    if now < activity.starts_at - CHECKIN_OPENS_BEFORE or now > activity.ends_at:
        raise WorkflowError(
            ErrorCode.CHECKIN_NOT_OPEN,
            _("Check-in opens an hour before the activity and closes when it ends."),
        )
    if code is not None:
        _claim_code(signup, code)
    signup.checked_in_at = now
    signup._history_user = by
    signup.save(update_fields=["checked_in_at"])
    return signup


def served_hours(activity: Activity, checked_in_at, checked_out_at) -> Decimal:
    """Time actually served inside the activity's span, in hours (two places, rounded down)."""
    start = max(checked_in_at, activity.starts_at)
    end = min(checked_out_at, activity.ends_at)
    seconds = max(0.0, (end - start).total_seconds())
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


@transaction.atomic
def check_out(*, signup_id: int, by: User, code: str | None = None) -> Signup:
    signup = _locked_signup(signup_id, by, code)
    if signup.checked_in_at is None:
        raise WorkflowError(ErrorCode.NOT_CHECKED_IN, _("Check in before checking out."))
    if signup.checked_out_at is not None:
        raise WorkflowError(ErrorCode.ALREADY_CHECKED_OUT, _("Already checked out."))
    if code is not None:
        _claim_code(signup, code)
    signup.checked_out_at = max(timezone.now(), signup.checked_in_at)
    signup.hours = served_hours(signup.activity, signup.checked_in_at, signup.checked_out_at)
    signup._history_user = by
    signup.save(update_fields=["checked_out_at", "hours"])
    return signup


@transaction.atomic
def confirm_hours(*, signup_id: int, by: User, hours: Decimal | None = None) -> Signup:
    """The organizer confirms the hours (may lower them); never beyond the activity's span."""
    signup = (
        Signup.objects.select_for_update(of=("self",))
        .select_related("activity", "volunteer__user")
        .get(pk=signup_id)
    )
    require(by, "volunteers.organize_activity", signup.activity)
    if signup.checked_in_at is None:
        raise WorkflowError(ErrorCode.NOT_CHECKED_IN, _("This volunteer never checked in."))
    if signup.checked_out_at is None:
        raise WorkflowError(
            ErrorCode.NOT_CHECKED_IN, _("Check the volunteer out before confirming hours.")
        )
    if signup.hours_confirmed_at is not None:
        raise WorkflowError(ErrorCode.HOURS_ALREADY_CONFIRMED, _("These hours are confirmed."))
    hours = signup.hours if hours is None else Decimal(hours).quantize(Decimal("0.01"))
    if hours < 0:
        raise ValidationError({"hours": _("Hours cannot be negative.")})
    span = signup.activity.span_hours
    if hours > span:
        raise WorkflowError(
            ErrorCode.HOURS_BEYOND_SPAN,
            _("%(hours)s hours is more than the activity lasted (%(span)s hours).")
            % {"hours": hours, "span": span},
            {"hours": []},
        )
    signup.hours = hours
    signup.hours_confirmed_at = timezone.now()
    signup.hours_confirmed_by = by
    signup._history_user = by
    signup.save(update_fields=["hours", "hours_confirmed_at", "hours_confirmed_by"])
    notify(
        recipients=[signup.volunteer.user],
        kind="volunteers.hours_confirmed",
        title=_("%(hours)s service hours confirmed for %(title)s")
        % {"hours": hours, "title": signup.activity.title},
        url=reverse("volunteers:my-hours"),
    )
    return signup
