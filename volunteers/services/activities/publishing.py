"""Publishing an activity, and the organizer's changes before it begins (V2)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import Forbidden, organization_ids, require
from huitian.models import Area, User
from huitian.services import notify
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError
from volunteers.error_codes import ErrorCode
from volunteers.models import Activity, Signup, Team
from volunteers.models import activities as limits
from volunteers.services.activities.signups import LIVE


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
