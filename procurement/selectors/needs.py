"""Needs: what each caller may read, the deadline queue, the three rates of 接诉即办."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import organization_ids, visible
from huitian.workdays import WorkingCalendar
from procurement.models import Need

NEAR_DUE_WORKING_DAYS = 1


def needs_for(user, *, state: str = ""):
    qs = visible(user, Need.objects.all()).select_related(
        "community", "community__parent", "category", "assigned_org", "assigned_area"
    )
    qs = qs.order_by("-created_at", "-pk")
    return qs.filter(state=state) if state else qs


def own_needs(user):
    """The needs a signed-in resident submitted, newest first."""
    return (
        Need.objects.filter(submitter=user)
        .select_related("community", "category")
        .order_by("-created_at", "-pk")
    )


def need_by_tracking_code(code: str) -> Need | None:
    """Whoever holds the code follows the need (the code is the secret)."""
    return (
        Need.objects.select_related("community", "category", "assigned_org", "assigned_area")
        .filter(tracking_code=(code or "").strip().upper()[:12])
        .first()
    )


def assigned_needs(user):
    """Needs handed to the organizations the user is a member of."""
    return (
        needs_for(user)
        .filter(assigned_org_id__in=organization_ids(user))
        .order_by("-created_at", "-pk")
    )


def needs_for_queue(user, *, bucket: str = "all", today: datetime.date | None = None):
    """Open needs in the user's area; bucket 'overdue' or 'near_due' (due within a working day)."""
    today = today or timezone.localdate()
    soon = WorkingCalendar().add_working_days(today, NEAR_DUE_WORKING_DAYS)
    qs = needs_for(user).filter(state__in=Need.OPEN_STATES)
    late_response = Q(state=Need.State.RECEIVED, response_due__lt=today)
    late_resolution = Q(resolution_due__lt=today)
    if bucket == "overdue":
        qs = qs.filter(late_response | late_resolution)
    elif bucket == "near_due":
        qs = qs.exclude(late_response | late_resolution).filter(
            Q(state=Need.State.RECEIVED, response_due__lte=soon) | Q(resolution_due__lte=soon)
        )
    return qs.order_by("resolution_due", "pk")


def due_status(need: Need, today: datetime.date, soon: datetime.date) -> str:
    if not need.is_open:
        return ""
    due = need.response_due if need.state == Need.State.RECEIVED else need.resolution_due
    if (need.resolution_due and need.resolution_due < today) or (due and due < today):
        return "overdue"
    if due and due <= soon:
        return "near_due"
    return "on_time"


GROUPINGS = {
    "street": ("community__parent_id", "community__parent__name"),
    "community": ("community_id", "community__name"),
    "category": ("category_id", "category__name"),
}


RATES_RANGE = (datetime.date(2000, 1, 1), datetime.date(2100, 12, 31))


def need_rates(user, *, start: datetime.date, end: datetime.date, by: str = "street") -> list[dict]:
    """The three rates of 接诉即办 for needs received in [start, end], grouped.

    - response rate: needs answered (accepted or rejected) by their response deadline
      / needs received;
    - resolution rate: needs resolved / needs received and not rejected (needs closed
      without resolution and needs reopened by the resident count against it);
    - satisfaction rate: ratings of 4 or 5 / needs rated.

    Dates outside RATES_RANGE are refused (ValidationError naming `start` or `end`):
    9999-12-31 would overflow when the day after it is counted.
    """
    earliest, latest = RATES_RANGE
    for name, day in (("start", start), ("end", end)):
        if not earliest <= day <= latest:
            raise ValidationError(
                {name: _("Give a date from %(min)s to %(max)s.") % {"min": earliest, "max": latest}}
            )
    key, label = GROUPINGS[by]
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    rows = (
        visible(user, Need.objects.all())
        .filter(created_at__gte=lo, created_at__lt=hi)
        .values(key, label)
        .annotate(
            received=Count("pk"),
            responded_on_time=Count(
                "pk",
                filter=Q(responded_at__isnull=False, responded_at__date__lte=F("response_due")),
            ),
            accepted=Count("pk", filter=~Q(state=Need.State.REJECTED)),
            # A need the resident had to reopen was not resolved the first time.
            resolved=Count("pk", filter=Q(resolved_at__isnull=False, reopen_count=0)),
            rated=Count("pk", filter=Q(satisfaction__isnull=False)),
            satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
        )
        .order_by(label)
    )
    out = []
    for row in rows:
        out.append(
            {
                "id": row[key],
                "name": row[label],
                "received": row["received"],
                "response_rate": _rate(row["responded_on_time"], row["received"]),
                "resolution_rate": _rate(row["resolved"], row["accepted"]),
                "satisfaction_rate": _rate(row["satisfied"], row["rated"]),
                "rated": row["rated"],
            }
        )
    return out


def _rate(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None
