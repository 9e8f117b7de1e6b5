"""Reads of the 回天社会创新学院 (V5): courses, hours per person, who is short."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from huitian.access import visible
from volunteers.selectors.years import year_bounds


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

    start, end = year_bounds(year)
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

    start, end = year_bounds(year)
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
