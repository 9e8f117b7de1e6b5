"""Reads of the volunteers app, always through the scoping door."""

from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from huitian.access import visible
from volunteers.models import Activity, Membership, Signup, Team, Volunteer


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
    start, end = _year_bounds(year)
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


def _year_bounds(year: int):
    import datetime

    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


# --- Practice projects (V3) ------------------------------------------------------------


def project_library(*, theme: int | None = None, q: str = "") -> QuerySet:
    """The public library: accepted projects only, whoever asks (the library is public)."""
    from django.db.models import Prefetch

    from volunteers.models import PracticeProject, ProjectPick, ProjectTheme

    qs = (
        PracticeProject.objects.filter(state=PracticeProject.State.IN_LIBRARY)
        .select_related("organization")
        .prefetch_related(
            Prefetch("themes", queryset=ProjectTheme.objects.order_by("order", "name")),
            Prefetch("picks", queryset=ProjectPick.objects.select_related("site")),
        )
        .order_by("-accepted_at", "-pk")
    )
    if theme:
        qs = qs.filter(themes__id=theme)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def projects_for(user) -> QuerySet:
    from volunteers.models import PracticeProject

    return visible(user, PracticeProject.objects.all()).select_related("organization")


# --- Volunteer fund (V4) ---------------------------------------------------------------


def public_grants(*, year: int | None = None) -> QuerySet:
    """Grants approved or paid: public, by team and amount (applicants' names never)."""
    from volunteers.models import Grant

    qs = (
        Grant.objects.filter(state__in=[Grant.State.APPROVED, Grant.State.PAID])
        .select_related("team")
        .order_by("-applied_at", "-pk")
    )
    if year:
        qs = qs.filter(year=year)
    return qs


def fund_figures() -> dict:
    """Balance, promised (approved, unpaid) and free; reads only (the account may not exist yet)."""
    from huitian.models import LedgerAccount
    from volunteers.services.fund import FUND_CODE, committed

    balance = LedgerAccount.objects.filter(code=FUND_CODE).values_list("balance", flat=True).first()
    balance = balance if balance is not None else Decimal("0.00")
    promised = committed()
    return {"balance": balance, "committed": promised, "free": balance - promised}


# --- Training (V5) ---------------------------------------------------------------------


def courses_for(user, *, upcoming_only: bool = False) -> QuerySet:
    from volunteers.models import Course, Enrolment

    qs = (
        visible(user, Course.objects.filter(state=Course.State.PUBLISHED))
        .select_related("area")
        .annotate(
            enrolled=Count("enrolments", filter=Q(enrolments__state=Enrolment.State.ENROLLED))
        )
        .order_by("starts_at", "pk")
    )
    if upcoming_only:
        qs = qs.filter(ends_at__gt=timezone.now())
    return qs


def training_hours(person, year: int) -> Decimal:
    """Continuing-education hours earned in `year` (attended courses that began then)."""
    from volunteers.models import Enrolment

    start, end = _year_bounds(year)
    total = Enrolment.objects.filter(
        person=person,
        attended_at__isnull=False,
        course__starts_at__gte=start,
        course__starts_at__lt=end,
    ).aggregate(s=Sum("hours"))["s"]
    return total or Decimal("0.0")


def training_report(user, year: int, *, short_only: bool = False) -> list[dict]:
    """Everyone enrolled in a course of `year` that `user` may see, by audience: hours
    earned against the year's requirement, and whether they are short (one query + one)."""
    from volunteers.models import Audience, Enrolment, TrainingRequirement

    start, end = _year_bounds(year)
    required = dict(TrainingRequirement.objects.filter(year=year).values_list("audience", "hours"))
    rows = (
        visible(user, Enrolment.objects.all())
        .filter(course__starts_at__gte=start, course__starts_at__lt=end)
        .exclude(state=Enrolment.State.CANCELLED, attended_at__isnull=True)
        .values("person_id", "person__username", "person__last_name", "person__first_name")
        .annotate(earned=Sum("hours", filter=Q(attended_at__isnull=False)))
        .order_by("person__username")
    )
    audiences = {}
    for person_id, audience in (
        visible(user, Enrolment.objects.all())
        .filter(course__starts_at__gte=start, course__starts_at__lt=end)
        .order_by("enrolled_at")
        .values_list("person_id", "audience")
    ):
        audiences.setdefault(person_id, audience)
    report = []
    for r in rows:
        audience = audiences.get(r["person_id"])
        need = required.get(audience)
        earned = r["earned"] or Decimal("0.0")
        short = need is not None and earned < need
        if short_only and not short:
            continue
        name = f"{r['person__last_name']}{r['person__first_name']}".strip()
        report.append(
            {
                "person": r["person_id"],
                "name": name or r["person__username"],
                "audience": audience,
                "audience_label": Audience(audience).label if audience else "",
                "earned": earned,
                "required": need,
                "short": short,
                "missing": max(Decimal("0.0"), need - earned) if need is not None else None,
            }
        )
    return report
