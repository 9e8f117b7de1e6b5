"""The needs' open data (D2, public): monthly aggregates per street, community ×
category × month (small cells suppressed by `huitian.open_data`), published lists."""

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from huitian.dashboards import Column
from procurement.dashboards.needs import (
    _RATE_PARTS,
    HANDLED_STATES,
    RATE_COLUMNS,
    RECEIVED,
    with_rates,
)
from procurement.models import Need


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
