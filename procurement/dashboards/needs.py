"""Needs panels: volumes (by area, channel, category, week), hot spots, growing
categories, the three 接诉即办 rates, overdue and near-due counts; and the needs' open
data (D2). Each selector counts through the scoping door inside the chosen area and
groups by the row's own area id; `q.roll_up` puts the ids under the chosen area's
children. The aggregates are `Statement`s (compiled once per process and scope shape,
bound per request): on one community their SQL takes a few milliseconds, and building
and compiling the querysets anew cost as much again."""

import datetime

from django.db.models import Count, DateField, DateTimeField, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huitian.dashboards import Column, Period, Query, Table, rate
from huitian.dashboards.statements import Bind, Statement
from procurement import refdata
from procurement.models import Need
from procurement.selectors import NEAR_DUE_WORKING_DAYS

RECEIVED = Column("received", _("needs received"))
LAST_YEAR = Column("last_year", _("same period last year"))
HANDLED_STATES = (Need.State.RESOLVED, Need.State.CLOSED)


LO, HI = Bind("lo", DateTimeField()), Bind("hi", DateTimeField())


def _statement(build) -> Statement:
    """Needs counted as the user may inside the chosen area, built by `build(needs)`."""
    return Statement(Need, "community", build)


def _in_period(needs):
    """Needs created in the bound period (`_period(...)`)."""
    return needs.filter(created_at__gte=LO, created_at__lt=HI)


def _period(period: Period) -> dict:
    return {"lo": period.lo, "hi": period.hi}


BY_AREA = _statement(
    lambda needs: (
        _in_period(needs)
        .values("community_id")
        .annotate(
            received=Count("pk"),
            handled=Count("pk", filter=Q(state__in=HANDLED_STATES)),
            closed_unresolved=Count("pk", filter=Q(state=Need.State.CLOSED_UNRESOLVED)),
        )
    )
)
COUNT_BY_AREA = _statement(
    lambda needs: _in_period(needs).values("community_id").annotate(last_year=Count("pk"))
)
COUNT_BY = {
    key: _statement(lambda needs, key=key: _in_period(needs).values(key).annotate(n=Count("pk")))
    for key in ("channel", "category_id")
}
COUNT_BY_WEEK = _statement(
    lambda needs: (
        _in_period(needs)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
)
COUNT_BY_AREA_CATEGORY = _statement(
    lambda needs: (
        _in_period(needs).values("community_id", "category_id").annotate(needs=Count("pk"))
    )
)


# -------------------------------------------------------------- volumes


def needs_by_area(q: Query) -> Table:
    """Received, handled and last year's count per child area (drill-down)."""
    this = BY_AREA.rows(q, **_period(q.period))
    before = COUNT_BY_AREA.rows(q, **_period(q.period.a_year_earlier()))
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
        for row in COUNT_BY[key].rows(q, **_period(period)):
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
        for row in COUNT_BY_WEEK.rows(q, **_period(period)):
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
    raw = COUNT_BY_AREA_CATEGORY.rows(q, **_period(q.period))
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
        for row in COUNT_BY["category_id"].rows(q, **_period(period)):
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
RATES_BY_AREA = _statement(
    lambda needs: _in_period(needs).values("community_id").annotate(**_RATE_PARTS)
)
RATES_BY_CATEGORY = _statement(
    lambda needs: (
        _in_period(needs).values("category_id").annotate(**_RATE_PARTS).order_by("category_id")
    )
)
RATES_BY_MONTH = _statement(
    lambda needs: (
        _in_period(needs)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(**_RATE_PARTS)
        .order_by("month")
    )
)


def with_rates(row: dict) -> dict:
    """The three rates as `procurement.selectors.need_rates` defines them."""
    return row | {
        "response_rate": rate(row["responded_on_time"], row["received"]),
        "resolution_rate": rate(row["resolved"], row["accepted"]),
        "satisfaction_rate": rate(row["satisfied"], row["rated"]),
    }


def rates_by_area(q: Query) -> Table:
    raw = RATES_BY_AREA.rows(q, **_period(q.period))
    rows = [with_rates(r) for r in q.roll_up(raw, "community_id", _PART_KEYS)]
    return Table(
        columns=[Column("area", _("area"), series=False, kind="text"), *RATE_COLUMNS],
        rows=rows,
        note=_("Closed without resolution counts against the resolution rate."),
    )


def rates_by_category(q: Query) -> Table:
    names = category_names(q)
    raw = RATES_BY_CATEGORY.rows(q, **_period(q.period))
    rows = [with_rates(r) | {"label": names.get(r["category_id"], "")} for r in raw]
    return Table(
        columns=[Column("label", _("category"), series=False, kind="text"), *RATE_COLUMNS],
        rows=rows,
        label_key="label",
    )


def rates_by_month(q: Query) -> Table:
    raw = RATES_BY_MONTH.rows(q, **_period(q.period))
    rows = [with_rates(r) | {"label": f"{r['month']:%Y-%m}"} for r in raw]
    return Table(
        columns=[Column("label", _("month"), series=False, kind="text"), *RATE_COLUMNS[:3]],
        rows=rows,
        label_key="label",
    )


# -------------------------------------------------------------- deadlines

_TODAY, _SOON = Bind("today", DateField()), Bind("soon", DateField())
_LATE = Q(state=Need.State.RECEIVED, response_due__lt=_TODAY) | Q(resolution_due__lt=_TODAY)
_NEAR = ~_LATE & (
    Q(state=Need.State.RECEIVED, response_due__lte=_SOON) | Q(resolution_due__lte=_SOON)
)
DUE_BY_AREA = _statement(
    lambda needs: (
        needs.filter(state__in=Need.OPEN_STATES)
        .values("community_id")
        .annotate(overdue=Count("pk", filter=_LATE), near_due=Count("pk", filter=_NEAR))
    )
)


def due_counts(q: Query) -> Table:
    """Open needs overdue or due within a working day, per child area (now, not the period)."""
    today = timezone.localdate()
    # The intake's per-process calendar (refreshed every minute): no query per panel.
    soon = refdata.calendar().add_working_days(today, NEAR_DUE_WORKING_DAYS)
    raw = DUE_BY_AREA.rows(q, today=today, soon=soon)
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
