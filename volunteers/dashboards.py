"""Volunteers' dashboard panels (D1): verified hours by team, community and month."""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from huitian.dashboards import Column, Panel, Query, Table
from volunteers.models import Signup

HOURS = Column("hours", _("verified hours"))
PEOPLE = Column("volunteers", _("volunteers"), series=False)


def _verified(q: Query):
    return q.scoped(
        Signup.objects.filter(hours_confirmed_at__isnull=False), "activity__community"
    ).filter(q.period.q("activity__starts_at"))


def _num(value) -> float:
    return round(float(value or 0), 2)


def hours_by_area(q: Query) -> Table:
    raw = [
        {"area_id": r["activity__community_id"], "hours": _num(r["h"]), "signups": r["n"]}
        for r in _verified(q)
        .values("activity__community_id")
        .annotate(h=Sum("hours"), n=Count("pk"))
    ]
    rows = q.roll_up(raw, "area_id", ["hours", "signups"])
    for row in rows:
        row["hours"] = round(row["hours"], 2)
    return Table(
        columns=[
            Column("area", _("area"), series=False, kind="text"),
            HOURS,
            Column("signups", _("verified sign-ups"), series=False),
        ],
        rows=rows,
    )


def hours_by_team(q: Query) -> Table:
    rows = (
        _verified(q)
        .filter(activity__team__isnull=False)
        .values("activity__team__name")
        .annotate(h=Sum("hours"), v=Count("volunteer", distinct=True))
        .order_by("-h", "activity__team__name")[:20]
    )
    return Table(
        columns=[Column("label", _("team"), series=False, kind="text"), HOURS, PEOPLE],
        rows=[
            {"label": r["activity__team__name"], "hours": _num(r["h"]), "volunteers": r["v"]}
            for r in rows
        ],
        label_key="label",
    )


def hours_by_month(q: Query) -> Table:
    rows = (
        _verified(q)
        .annotate(month=TruncMonth("activity__starts_at"))
        .values("month")
        .annotate(h=Sum("hours"), v=Count("volunteer", distinct=True))
        .order_by("month")
    )
    return Table(
        columns=[Column("label", _("month"), series=False, kind="text"), HOURS, PEOPLE],
        rows=[
            {"label": f"{r['month']:%Y-%m}", "hours": _num(r["h"]), "volunteers": r["v"]}
            for r in rows
        ],
        label_key="label",
    )


PANELS = [
    Panel("volunteer-hours-area", _("Volunteer hours by area"), hours_by_area),
    Panel("volunteer-hours-team", _("Volunteer hours by team"), hours_by_team),
    Panel("volunteer-hours-month", _("Volunteer hours by month"), hours_by_month, chart="line"),
]
