"""Reads of volunteers, teams, activities and verified hours (V1, V2)."""

from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from huitian.access import visible
from volunteers.models import Activity, Membership, Signup, Team, Volunteer
from volunteers.selectors.years import year_bounds


def volunteer_of(user) -> Volunteer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.select_related("community").filter(user=user).first()


def activities_for(user, *, upcoming_only: bool = False) -> QuerySet:
    """Published activities with their confirmed count (`taken`), one query for a page."""
    qs = (
        visible(user, Activity.objects.filter(state=Activity.State.PUBLISHED))
        .select_related("community", "team", "organization")
        .annotate(taken=Count("signups", filter=Q(signups__state=Signup.State.CONFIRMED)))
        .order_by("starts_at", "pk")
    )
    if upcoming_only:
        qs = qs.filter(ends_at__gt=timezone.now())
    return qs


def with_places(qs: QuerySet, has_places: bool) -> QuerySet:
    from django.db.models import F

    return qs.filter(taken__lt=F("places")) if has_places else qs.filter(taken__gte=F("places"))


def verified_hours(volunteer: Volunteer) -> Decimal:
    """Total confirmed hours: one indexed SUM, sent as plain SQL (the hot read of the
    app's "my hours": building the ORM aggregate cost several times the query itself)."""
    with connection.cursor() as cur:
        cur.execute(_VERIFIED_HOURS_SQL, [volunteer.pk])
        total = cur.fetchone()[0]
    return total if total is not None else Decimal("0.00")


_VERIFIED_HOURS_SQL = (
    f'SELECT SUM("hours") FROM "{Signup._meta.db_table}" '
    'WHERE "volunteer_id" = %s AND "hours_confirmed_at" IS NOT NULL'
)


def service_record(volunteer: Volunteer) -> QuerySet:
    """Every activity the volunteer signed up for, newest first."""
    return (
        Signup.objects.filter(volunteer=volunteer)
        .exclude(state=Signup.State.CANCELLED)
        .select_related("activity__community")
        .order_by("-activity__starts_at")
    )


def verified_service(volunteer: Volunteer) -> QuerySet:
    return service_record(volunteer).filter(hours_confirmed_at__isnull=False)


def roster(activity: Activity) -> QuerySet:
    return (
        Signup.objects.filter(activity=activity)
        .exclude(state=Signup.State.CANCELLED)
        .select_related("volunteer")
        .order_by("state", "signed_up_at", "pk")
    )


def spread_of(activity: Activity) -> QuerySet:
    """Where an activity spread (复制推广): its copies with their communities."""
    origin_id = activity.copied_from_id or activity.pk
    return (
        Activity.objects.filter(copied_from_id=origin_id)
        .select_related("community__parent")
        .order_by("starts_at")
    )


def teams_for(user) -> QuerySet:
    return visible(user, Team.objects.all()).select_related("area", "organization")


def memberships_of(volunteer: Volunteer) -> QuerySet:
    return Membership.objects.filter(volunteer=volunteer).select_related("team")


def filter_activities(
    qs: QuerySet,
    *,
    community=None,
    date_from=None,
    date_to=None,
    category="",
    has_places=None,
    **_ignored,
) -> QuerySet:
    if community:
        qs = qs.filter(community_id=community)
    if date_from:
        qs = qs.filter(ends_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(starts_at__date__lte=date_to)
    if category:
        qs = qs.filter(category=category)
    if has_places is not None:
        qs = with_places(qs, has_places)
    return qs


# --- Teams' hours (V2 reports) ---------------------------------------------------------


def top_teams_by_hours(year: int, *, limit: int = 20) -> list[dict]:
    """Teams by confirmed service hours in activities that began in `year` (one query)."""
    start, end = year_bounds(year)
    rows = (
        Signup.objects.filter(
            hours_confirmed_at__isnull=False,
            activity__team__isnull=False,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
        )
        .values("activity__team_id", "activity__team__name")
        .annotate(hours=Sum("hours"), volunteers=Count("volunteer_id", distinct=True))
        .order_by("-hours", "activity__team_id")[:limit]
    )
    return [
        {
            "team": r["activity__team_id"],
            "name": r["activity__team__name"],
            "hours": r["hours"],
            "volunteers": r["volunteers"],
        }
        for r in rows
    ]
