"""Credit's dashboard panels (D1): organizations by star rating, list entries."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from credit.models import ListEntry, StarRating
from huitian.dashboards import Column, Panel, Query, Table

AREA = Column("area", _("area"), series=False, kind="text")


def stars(q: Query) -> Table:
    """Each organization's latest rating, counted by stars per child area."""
    latest = StarRating.objects.filter(organization_id=OuterRef("organization_id")).order_by(
        "-computed_at", "-pk"
    )
    raw = (
        q.scoped(StarRating.objects.all(), "organization__home_area")
        .filter(pk=Subquery(latest.values("pk")[:1]))
        .values("organization__home_area_id")
        .annotate(**{f"s{n}": Count("pk", filter=Q(stars=n)) for n in range(1, 6)})
    )
    keys = [f"s{n}" for n in range(1, 6)]
    return Table(
        columns=[AREA, *(Column(f"s{n}", "★" * n) for n in range(1, 6))],
        rows=q.roll_up(raw, "organization__home_area_id", keys),
    )


def list_entries(q: Query) -> Table:
    """Organizations listed now, and entries made in the period, by list and area."""
    listed = Q(state=ListEntry.State.LISTED)
    entered = q.period.q_date("entered_on")
    raw = (
        q.scoped(ListEntry.objects.all(), "organization__home_area")
        .values("organization__home_area_id")
        .annotate(
            anomaly=Count("pk", filter=listed & Q(kind=ListEntry.Kind.ANOMALY)),
            dishonesty=Count("pk", filter=listed & Q(kind=ListEntry.Kind.DISHONESTY)),
            entered=Count("pk", filter=entered),
        )
    )
    rows = [
        r
        for r in q.roll_up(raw, "organization__home_area_id", ["anomaly", "dishonesty", "entered"])
        if r["anomaly"] or r["dishonesty"] or r["entered"]
    ]
    return Table(
        columns=[
            AREA,
            Column("anomaly", ListEntry.Kind.ANOMALY.label),
            Column("dishonesty", ListEntry.Kind.DISHONESTY.label),
            Column("entered", _("entered in the period"), series=False),
        ],
        rows=rows,
        note=_("Entries listed today; the last column counts entries made in the period."),
    )


PANELS = [
    Panel("credit-stars", _("Organizations by star rating"), stars, chart="stacked"),
    Panel("credit-lists", _("List entries"), list_entries, chart="stacked"),
]
