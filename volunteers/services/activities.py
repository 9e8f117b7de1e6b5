"""Publishing activities, sign-ups with a waitlist, check-in/out and verified hours (V2)."""

import datetime
import secrets
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import Forbidden, organization_ids, require
from huitian.models import Area, User
from huitian.services import notify
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError
from volunteers.error_codes import ErrorCode
from volunteers.models import Activity, CheckinCode, Signup, Team, Volunteer
from volunteers.models import activities as limits

CODE_LIFETIME = datetime.timedelta(minutes=10)
CHECKIN_OPENS_BEFORE = datetime.timedelta(hours=1)
LIVE = (Signup.State.CONFIRMED, Signup.State.WAITLISTED)


def _validate_activity(*, title, place, skills_wanted, community, starts_at, ends_at, places):
    check_lengths(
        title=(title, limits.TITLE_MAX),
        place=(place, limits.PLACE_MAX),
        skills_wanted=(skills_wanted, limits.SKILLS_MAX),
    )
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the activity a title.")]
    if not (place or "").strip():
        errors["place"] = [_("Say where the activity takes place.")]
    if community is None or community.level != Area.Level.COMMUNITY or not community.is_active:
        errors["community"] = [_("Choose an active community.")]
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = [_("The activity must end after it starts.")]
    if starts_at and starts_at < timezone.now():
        errors["starts_at"] = [_("The activity cannot start in the past.")]
    if places is None or places < 1:
        errors["places"] = [_("An activity has at least one place.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def publish_activity(
    *,
    by: User,
    title: str,
    category: str,
    place: str,
    community: Area,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    places: int,
    skills_wanted: str = "",
    min_age: int = 0,
    team: Team | None = None,
    organization=None,
    copied_from: Activity | None = None,
) -> Activity:
    """A team, an organization or community staff publish an activity in a community."""
    _validate_activity(
        title=title,
        place=place,
        skills_wanted=skills_wanted,
        community=community,
        starts_at=starts_at,
        ends_at=ends_at,
        places=places,
    )
    if organization is not None and organization.pk not in organization_ids(by):
        raise Forbidden(
            _("You can publish only for your own organization."), code=ErrorCode.PERMISSION_DENIED
        )
    if team is not None and not by.has_perm("volunteers.manage_team", team):
        raise Forbidden(
            _("Only the team's leaders or staff may publish for this team."),
            code=ErrorCode.PERMISSION_DENIED,
        )
    if team is None and organization is None:
        require(by, "volunteers.staff_of_community", community)
    activity = Activity(
        title=title.strip(),
        category=category,
        place=place.strip(),
        community=community,
        starts_at=starts_at,
        ends_at=ends_at,
        places=places,
        skills_wanted=skills_wanted.strip(),
        min_age=min_age,
        team=team,
        organization=organization,
        published_by=by,
        copied_from=copied_from,
    )
    activity.full_clean()
    activity._history_user = by
    activity.save()
    return activity


def _volunteer_of(user) -> Volunteer:
    volunteer = Volunteer.objects.filter(user_id=getattr(user, "pk", None)).first()
    if volunteer is None:
        raise WorkflowError(
            ErrorCode.NOT_A_VOLUNTEER, _("Register as a volunteer before signing up.")
        )
    return volunteer


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def why_not_sign_up(*, activity: Activity, volunteer: Volunteer) -> list[str]:
    """Reasons the volunteer cannot sign up, in words (empty: they can)."""
    return [str(detail) for _code, detail in _sign_up_problems(activity, volunteer)]


def _sign_up_problems(activity: Activity, volunteer: Volunteer) -> list[tuple[str, str]]:
    problems = []
    if activity.state != Activity.State.PUBLISHED or activity.starts_at <= timezone.now():
        problems.append((ErrorCode.ACTIVITY_CLOSED, _("This activity no longer takes sign-ups.")))
    if Signup.objects.filter(activity=activity, volunteer=volunteer, state__in=LIVE).exists():
        problems.append((ErrorCode.ALREADY_SIGNED_UP, _("You have already signed up.")))
    elif (
        Signup.objects.filter(
            volunteer=volunteer,
            state__in=LIVE,
            activity__starts_at__lt=activity.ends_at,
            activity__ends_at__gt=activity.starts_at,
        )
        .exclude(activity=activity)
        .exists()
    ):
        problems.append(
            (
                ErrorCode.OVERLAPPING_ACTIVITY,
                _("You are signed up for another activity at the same time."),
            )
        )
    age = age_on(volunteer.birth_date, timezone.localtime(activity.starts_at).date())
    if age < activity.min_age:
        problems.append(
            (
                ErrorCode.TOO_YOUNG,
                _("This activity is for volunteers aged %(min)d or over.")
                % {"min": activity.min_age},
            )
        )
    return problems


def sign_up(*, activity_id: int, by: User) -> Signup:
    """Take a place, or a place on the waitlist when the activity is full.

    The activity row is locked while places are counted, so two volunteers racing
    for the last place get one place and one waitlist entry.
    """
    volunteer = _volunteer_of(by)
    try:
        with transaction.atomic():
            activity = Activity.objects.select_for_update().get(pk=activity_id)
            problems = _sign_up_problems(activity, volunteer)
            if problems:
                code, detail = problems[0]
                raise WorkflowError(code, detail)
            taken = Signup.objects.filter(activity=activity, state=Signup.State.CONFIRMED).count()
            signup = Signup(
                activity=activity,
                volunteer=volunteer,
                state=Signup.State.CONFIRMED
                if taken < activity.places
                else Signup.State.WAITLISTED,
            )
            signup._history_user = by
            signup.save()
            return signup
    except IntegrityError as exc:  # the same volunteer twice at the same moment
        raise WorkflowError(ErrorCode.ALREADY_SIGNED_UP, _("You have already signed up.")) from exc


@transaction.atomic
def cancel_signup(*, signup_id: int, by: User) -> Signup:
    """The volunteer (or an organizer) cancels; the first on the waitlist takes the place."""
    activity_id = Signup.objects.values_list("activity_id", flat=True).get(pk=signup_id)
    activity = Activity.objects.select_for_update().get(pk=activity_id)
    signup = Signup.objects.select_for_update().select_related("volunteer").get(pk=signup_id)
    if signup.volunteer.user_id != by.pk:
        require(by, "volunteers.organize_activity", activity)
    if signup.state == Signup.State.CANCELLED:
        raise WorkflowError(ErrorCode.NOT_SIGNED_UP, _("This sign-up is already cancelled."))
    if signup.checked_in_at is not None:
        raise WorkflowError(
            ErrorCode.ALREADY_CHECKED_IN, _("A volunteer who has checked in cannot cancel.")
        )
    freed = signup.state == Signup.State.CONFIRMED
    signup.state = Signup.State.CANCELLED
    signup._history_user = by
    signup.save(update_fields=["state"])
    if freed and activity.starts_at > timezone.now():
        promoted = (
            Signup.objects.select_for_update()
            .select_related("volunteer__user")
            .filter(activity=activity, state=Signup.State.WAITLISTED)
            .order_by("signed_up_at", "pk")
            .first()
        )
        if promoted is not None:
            promoted.state = Signup.State.CONFIRMED
            promoted._history_user = by
            promoted.save(update_fields=["state"])
            notify(
                recipients=[promoted.volunteer.user],
                kind="volunteers.promoted",
                title=_("A place opened up: you are confirmed for %(title)s")
                % {"title": activity.title},
                url=reverse("volunteers:activity", args=[activity.pk]),
            )
    return signup


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


def why_not_copy(*, activity: Activity) -> list[str]:
    """A template is an activity that took place and has confirmed hours."""
    reasons = []
    if activity.ends_at > timezone.now():
        reasons.append(_("Only an activity that has taken place can be copied."))
    if not activity.signups.filter(hours_confirmed_at__isnull=False).exists():
        reasons.append(_("Only an activity with confirmed service hours can be copied."))
    return reasons


@transaction.atomic
def copy_activity(
    *,
    activity_id: int,
    by: User,
    community: Area,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    places: int | None = None,
) -> Activity:
    """复制推广: a successful activity becomes a template in another community."""
    source = Activity.objects.select_related("copied_from").get(pk=activity_id)
    reasons = why_not_copy(activity=source)
    if reasons:
        raise WorkflowError(ErrorCode.NOT_SUCCESSFUL, reasons[0])
    origin = source.copied_from or source
    return publish_activity(
        by=by,
        title=source.title,
        category=source.category,
        place=place or source.place,
        community=community,
        starts_at=starts_at,
        ends_at=ends_at,
        places=places or source.places,
        skills_wanted=source.skills_wanted,
        min_age=source.min_age,
        copied_from=origin,
    )


EDITABLE = (
    "title",
    "category",
    "place",
    "starts_at",
    "ends_at",
    "places",
    "skills_wanted",
    "min_age",
)


def _organizer_lock(activity_id: int, by: User) -> Activity:
    activity = Activity.objects.select_for_update().select_related("community").get(pk=activity_id)
    require(by, "volunteers.organize_activity", activity)
    if activity.state == Activity.State.CANCELLED:
        raise WorkflowError(ErrorCode.ACTIVITY_CANCELLED, _("This activity is cancelled."))
    if activity.starts_at <= timezone.now():
        raise WorkflowError(
            ErrorCode.ACTIVITY_STARTED, _("An activity that has begun can no longer be changed.")
        )
    return activity


def _tell(signups, *, kind: str, title: str, activity: Activity) -> None:
    recipients = [s.volunteer.user for s in signups]
    if recipients:
        notify(
            recipients=recipients,
            kind=kind,
            title=title,
            url=reverse("volunteers:activity", args=[activity.pk]),
        )


@transaction.atomic
def edit_activity(*, activity_id: int, by: User, **changes) -> Activity:
    """The organizer changes an activity before it begins. More places promote the
    waitlist; fewer than already confirmed is refused; a new time is told to everyone."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("This cannot be changed.")})
    activity = _organizer_lock(activity_id, by)
    values = {f: getattr(activity, f) for f in EDITABLE} | changes
    _validate_activity(
        title=values["title"],
        place=values["place"],
        skills_wanted=values["skills_wanted"] or "",
        community=activity.community,
        starts_at=values["starts_at"],
        ends_at=values["ends_at"],
        places=values["places"],
    )
    live = list(
        Signup.objects.select_for_update(of=("self",))
        .select_related("volunteer__user")
        .filter(activity=activity, state__in=LIVE)
        .order_by("signed_up_at", "pk")
    )
    confirmed = [s for s in live if s.state == Signup.State.CONFIRMED]
    if values["places"] < len(confirmed):
        raise WorkflowError(
            ErrorCode.PLACES_BELOW_TAKEN,
            _("%(taken)d places are already taken; the activity cannot have fewer.")
            % {"taken": len(confirmed)},
            {"places": []},
        )
    moved = (values["starts_at"], values["ends_at"]) != (activity.starts_at, activity.ends_at)
    for field in EDITABLE:
        value = values[field]
        setattr(activity, field, value.strip() if isinstance(value, str) else value)
    activity.full_clean()
    activity._history_user = by
    activity.save(update_fields=list(EDITABLE))
    free = activity.places - len(confirmed)
    promoted = [s for s in live if s.state == Signup.State.WAITLISTED][: max(0, free)]
    for signup in promoted:
        signup.state = Signup.State.CONFIRMED
        signup._history_user = by
        signup.save(update_fields=["state"])
    _tell(
        promoted,
        kind="volunteers.promoted",
        title=_("A place opened up: you are confirmed for %(title)s") % {"title": activity.title},
        activity=activity,
    )
    if moved:
        _tell(
            live,
            kind="volunteers.activity_changed",
            title=_("%(title)s now takes place %(when)s")
            % {
                "title": activity.title,
                "when": timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M"),
            },
            activity=activity,
        )
    return activity


@transaction.atomic
def cancel_activity(*, activity_id: int, by: User, reason: str) -> Activity:
    """The organizer cancels before it begins: every sign-up ends and its volunteer is told why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the activity is cancelled.")]})
    check_lengths(reason=(reason, limits.PLACE_MAX))
    activity = _organizer_lock(activity_id, by)
    activity.state = Activity.State.CANCELLED
    activity._history_user = by
    activity._change_reason = reason
    activity.save(update_fields=["state"])
    live = list(
        Signup.objects.select_for_update(of=("self",))
        .select_related("volunteer__user")
        .filter(activity=activity, state__in=LIVE)
    )
    for signup in live:
        signup.state = Signup.State.CANCELLED
        signup._history_user = by
        signup._change_reason = "activity_cancelled"
        signup.save(update_fields=["state"])
    _tell(
        live,
        kind="volunteers.activity_cancelled",
        title=_("%(title)s is cancelled: %(reason)s") % {"title": activity.title, "reason": reason},
        activity=activity,
    )
    return activity
