"""Needs panels: volumes (by area, channel, category, week), hot spots, growing
categories, the three 接诉即办 rates, overdue and near-due counts; and the needs' open
data (D2). Each selector counts through `q.scoped(...)` and groups by the row's own area
id; `q.roll_up` puts the ids under the chosen area's children."""

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huitian.dashboards import Column, Period, Query, Table, rate
from procurement import refdata
from procurement.models import Need
from procurement.selectors import NEAR_DUE_WORKING_DAYS

RECEIVED = Column("received", _("needs received"))
LAST_YEAR = Column("last_year", _("same period last year"))
HANDLED_STATES = (Need.State.RESOLVED, Need.State.CLOSED)


def _needs(q: Query, period=None):
    period = period or q.period
    return q.scoped(Need.objects.all(), "community").filter(period.q("created_at"))


# -------------------------------------------------------------- volumes


def needs_by_area(q: Query) -> Table:
    """Received, handled and last year's count per child area (drill-down)."""
    this = (
        _needs(q)
        .values("community_id")
        .annotate(
            received=Count("pk"),
            handled=Count("pk", filter=Q(state__in=HANDLED_STATES)),
            closed_unresolved=Count("pk", filter=Q(state=Need.State.CLOSED_UNRESOLVED)),
        )
    )
    before = (
        _needs(q, q.period.a_year_earlier()).values("community_id").annotate(last_year=Count("pk"))
    )
    rows = [r | {"last_year": 0} for r in this] + [
        r | {"received": 0, "handled": 0, "closed_unresolved": 0} for r in before
    ]
    keys = ["received", "handled", "closed_unresolved", "last_year"]
    return Table(
        columns=[
            Column("area", _("area"), series=False, kind="text"),
            RECEIVED,
            Column("handled", _("resolved or closed")),
            Column("closed_unresolved", _("closed, unresolved")),
            LAST_YEAR,
        ],
        rows=q.roll_up(rows, "community_id", keys),
    )


def _by_dimension(q: Query, key: str, label_of) -> list[dict]:
    counts = {}
    for period, name in ((q.period, "received"), (q.period.a_year_earlier(), "last_year")):
        for row in _needs(q, period).values(key).annotate(n=Count("pk")):
            counts.setdefault(row[key], {"received": 0, "last_year": 0})[name] = row["n"]
    return [
        {"label": str(label_of(k)), **v}
        for k, v in sorted(counts.items(), key=lambda kv: -kv[1]["received"])
    ]


def needs_by_channel(q: Query) -> Table:
    labels = dict(Need.Channel.choices)
    return Table(
        columns=[
            Column("label", pgettext_lazy("need", "channel"), series=False, kind="text"),
            RECEIVED,
            LAST_YEAR,
        ],
        rows=_by_dimension(q, "channel", lambda k: labels.get(k, k)),
        label_key="label",
    )


def category_names(q: Query) -> dict[int, str]:
    """Every category's name (inactive ones too: old needs keep theirs), from the
    per-process copy the intake uses (an admin edit shows within a minute)."""
    return q.shared("procurement:category-names", refdata.category_names)


def needs_by_category(q: Query) -> Table:
    names = category_names(q)
    return Table(
        columns=[
            Column("label", _("category"), series=False, kind="text"),
            RECEIVED,
            LAST_YEAR,
        ],
        rows=_by_dimension(q, "category_id", lambda k: names.get(k, k)),
        label_key="label",
    )


def needs_by_week(q: Query) -> Table:
    """Weekly trend, beside the same weeks a year earlier (matched by week number)."""
    earlier = q.period.a_year_earlier()
    weeks: dict[int, dict] = {}
    for period, name in ((q.period, "received"), (earlier, "last_year")):
        rows = (
            _needs(q, period)
            .annotate(week=TruncWeek("created_at"))
            .values("week")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            week = row["week"]
            number = week.isocalendar()[1] if week else 0
            slot = weeks.setdefault(number, {"label": "", "received": 0, "last_year": 0})
            slot[name] += row["n"]
            if name == "received":
                slot["label"] = week.date().isoformat()
    ordered = sorted((v for v in weeks.values() if v["label"]), key=lambda v: v["label"])
    return Table(
        columns=[
            Column("label", _("week of"), series=False, kind="text"),
            RECEIVED,
            LAST_YEAR,
        ],
        rows=ordered,
        label_key="label",
    )


def hot_spots(q: Query) -> Table:
    """Heat grid: child areas × categories, needs received in the period."""
    names = category_names(q)
    raw = _needs(q).values("community_id", "category_id").annotate(needs=Count("pk"))
    rows = q.roll_up(raw, "community_id", ["needs"], by=("category_id",))
    for row in rows:
        row["category"] = names.get(row.pop("category_id"), "")
    return Table(
        columns=[
            Column("area", _("area"), series=False, kind="text"),
            Column("category", _("category"), series=False, kind="text"),
            Column("needs", _("needs received")),
        ],
        rows=rows,
        y_key="category",
        value_key="needs",
    )


def growing_topics(q: Query) -> Table:
    """Categories growing fastest against the period before (same length)."""
    length = q.period.end - q.period.start
    before = Period(
        "custom",
        q.period.start - length - datetime.timedelta(days=1),
        q.period.start - datetime.timedelta(days=1),
    )
    names = category_names(q)
    counts: dict[int, dict] = {}
    for period, name in ((q.period, "received"), (before, "before")):
        for row in _needs(q, period).values("category_id").annotate(n=Count("pk")):
            counts.setdefault(row["category_id"], {"received": 0, "before": 0})[name] = row["n"]
    rows = [
        {"label": names.get(k, ""), **v, "growth": v["received"] - v["before"]}
        for k, v in counts.items()
        if v["received"] > v["before"]
    ]
    rows.sort(key=lambda r: (-r["growth"], r["label"]))
    return Table(
        columns=[
            Column("label", _("category"), series=False, kind="text"),
            Column("growth", _("growth")),
            RECEIVED,
            Column("before", _("period before"), series=False),
        ],
        rows=rows[:10],
        label_key="label",
    )


# -------------------------------------------------------------- 接诉即办 rates

RATE_COLUMNS = [
    Column("response_rate", _("response rate"), kind="rate"),
    Column("resolution_rate", _("resolution rate"), kind="rate"),
    Column("satisfaction_rate", _("satisfaction rate"), kind="rate"),
    Column("received", _("needs received"), series=False),
    Column("closed_unresolved", _("closed, unresolved"), series=False),
]
_RATE_PARTS = dict(
    received=Count("pk"),
    responded_on_time=Count(
        "pk", filter=Q(responded_at__isnull=False, responded_at__date__lte=F("response_due"))
    ),
    accepted=Count("pk", filter=~Q(state=Need.State.REJECTED)),
    resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
    closed_unresolved=Count("pk", filter=Q(state=Need.State.CLOSED_UNRESOLVED)),
    rated=Count("pk", filter=Q(satisfaction__isnull=False)),
    satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
)
_PART_KEYS = list(_RATE_PARTS)


def with_rates(row: dict) -> dict:
    """The three rates as `procurement.selectors.need_rates` defines them."""
    return row | {
        "response_rate": rate(row["responded_on_time"], row["received"]),
        "resolution_rate": rate(row["resolved"], row["accepted"]),
        "satisfaction_rate": rate(row["satisfied"], row["rated"]),
    }


def rates_by_area(q: Query) -> Table:
    raw = _needs(q).values("community_id").annotate(**_RATE_PARTS)
    rows = [with_rates(r) for r in q.roll_up(raw, "community_id", _PART_KEYS)]
    return Table(
        columns=[Column("area", _("area"), series=False, kind="text"), *RATE_COLUMNS],
        rows=rows,
        note=_("Closed without resolution counts against the resolution rate."),
    )


def rates_by_category(q: Query) -> Table:
    names = category_names(q)
    raw = _needs(q).values("category_id").annotate(**_RATE_PARTS).order_by("category_id")
    rows = [with_rates(r) | {"label": names.get(r["category_id"], "")} for r in raw]
    return Table(
        columns=[Column("label", _("category"), series=False, kind="text"), *RATE_COLUMNS],
        rows=rows,
        label_key="label",
    )


def rates_by_month(q: Query) -> Table:
    raw = (
        _needs(q)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(**_RATE_PARTS)
        .order_by("month")
    )
    rows = [with_rates(r) | {"label": f"{r['month']:%Y-%m}"} for r in raw]
    return Table(
        columns=[Column("label", _("month"), series=False, kind="text"), *RATE_COLUMNS[:3]],
        rows=rows,
        label_key="label",
    )


# -------------------------------------------------------------- deadlines


def due_counts(q: Query) -> Table:
    """Open needs overdue or due within a working day, per child area (now, not the period)."""
    today = timezone.localdate()
    # The intake's per-process calendar (refreshed every minute): no query per panel.
    soon = refdata.calendar().add_working_days(today, NEAR_DUE_WORKING_DAYS)
    late = Q(state=Need.State.RECEIVED, response_due__lt=today) | Q(resolution_due__lt=today)
    near = ~late & (
        Q(state=Need.State.RECEIVED, response_due__lte=soon) | Q(resolution_due__lte=soon)
    )
    raw = (
        q.scoped(Need.objects.filter(state__in=Need.OPEN_STATES), "community")
        .values("community_id")
        .annotate(overdue=Count("pk", filter=late), near_due=Count("pk", filter=near))
    )
    rows = [
        r
        for r in q.roll_up(raw, "community_id", ["overdue", "near_due"])
        if r["overdue"] or r["near_due"]
    ]
    queue = reverse("procurement:need-queue")
    return Table(
        columns=[
            Column("area", _("area"), series=False, kind="text"),
            Column("overdue", _("overdue")),
            Column("near_due", _("due within a working day")),
        ],
        rows=rows,
        note=_("Open needs today, whatever the period."),
        links=[
            {"label": _("overdue queue"), "url": f"{queue}?bucket=overdue"},
            {"label": _("near-due queue"), "url": f"{queue}?bucket=near_due"},
        ],
    )


# -------------------------------------------------------------- open data (D2, public)


def _year_needs(year: int):
    from huitian.open_data import year_bounds

    lo, hi = year_bounds(year)
    return Need.objects.filter(created_at__gte=lo, created_at__lt=hi)


def open_needs_by_street(year: int) -> list[dict]:
    """Per street and month: needs received and handled, and the three rates."""
    rows = (
        _year_needs(year)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "community__parent__name")
        .annotate(**_RATE_PARTS, handled=Count("pk", filter=Q(state__in=HANDLED_STATES)))
        .order_by("month", "community__parent__name")
    )
    return [
        {
            "month": f"{r['month']:%Y-%m}",
            "street": r["community__parent__name"],
            "received": r["received"],
            "handled": r["handled"],
            **{k: v for k, v in with_rates(r).items() if k.endswith("_rate")},
            "rated": r["rated"],
            "accepted": r["accepted"],
        }
        for r in rows
    ]


def open_needs_by_community(year: int) -> list[dict]:
    """Community × category × month: the cells small counts could point at a resident in."""
    rows = (
        _year_needs(year)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "community__parent__name", "community__name", "category__name")
        .annotate(received=Count("pk"))
        .order_by("month", "community__parent__name", "community__name", "category__name")
    )
    return [
        {
            "month": f"{r['month']:%Y-%m}",
            "street": r["community__parent__name"],
            "community": r["community__name"],
            "category": r["category__name"],
            "received": r["received"],
        }
        for r in rows
    ]


def open_published_lists(year: int) -> list[dict]:
    from procurement.models import NeedsList

    rows = (
        NeedsList.objects.filter(state=NeedsList.State.PUBLISHED, period_start__year=year)
        .annotate(entry_count=Count("entries"))
        .order_by("period_start")
    )
    return [
        {
            "period": f"{r.period_start.isoformat()} – {r.period_end.isoformat()}",
            "published": r.published_at.date().isoformat() if r.published_at else "",
            "entries": r.entry_count,
        }
        for r in rows
    ]


def _open_data():
    from huitian.open_data import Dataset

    month = Column("month", _("month"), kind="text")
    street = Column("street", _("street"), kind="text")
    return [
        Dataset(
            "needs-by-street",
            _("Needs received and handled per street and month, with the three rates"),
            [
                month,
                street,
                RECEIVED,
                Column("handled", _("resolved or closed")),
                *RATE_COLUMNS[:3],
            ],
            open_needs_by_street,
            suppress=("received", "handled"),
            rate_bases={
                "response_rate": "received",
                "resolution_rate": "accepted",
                "satisfaction_rate": "rated",
            },
        ),
        Dataset(
            "needs-by-community",
            _("Needs received per community, category and month"),
            [
                month,
                street,
                Column("community", _("community"), kind="text"),
                Column("category", _("category"), kind="text"),
                RECEIVED,
            ],
            open_needs_by_community,
            suppress=("received",),
        ),
        Dataset(
            "published-lists",
            _("Published needs lists"),
            [
                Column("period", _("period"), kind="text"),
                Column("published", _("published on"), kind="text"),
                Column("entries", _("entries")),
            ],
            open_published_lists,
        ),
    ]
