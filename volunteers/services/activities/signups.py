"""Sign-ups with a waitlist: who may take a place, and who moves up on a cancellation (V2)."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import User
from huitian.services import notify
from huitian.workflow import WorkflowError
from volunteers.error_codes import ErrorCode
from volunteers.models import Activity, Signup, Volunteer

LIVE = (Signup.State.CONFIRMED, Signup.State.WAITLISTED)


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
