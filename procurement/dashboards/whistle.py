"""Whistle calls (吹哨报到) per area and organizations' response times."""

from django.db.models import Avg, Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from huitian.dashboards import Column, Query, Table
from procurement.models import WhistleCall, WhistleResponse


def whistle(q: Query) -> Table:
    calls = (
        q.scoped(WhistleCall.objects.all(), "community")
        .filter(q.period.q("raised_at"))
        .values("community_id")
        .annotate(calls=Count("pk", distinct=True))
    )
    responses = (
        q.scoped(WhistleResponse.objects.all(), "call__community")
        .filter(q.period.q("call__raised_at"))
        .values(community_id=F("call__community_id"))
        .annotate(responses=Count("pk"), minutes=Sum("response_minutes"))
    )
    rows = [r | {"responses": 0, "minutes": 0} for r in calls] + [
        r | {"calls": 0} for r in responses
    ]
    out = q.roll_up(rows, "community_id", ["calls", "responses", "minutes"])
    for row in out:
        minutes = row.pop("minutes")
        row["avg_minutes"] = round(minutes / row["responses"], 1) if row["responses"] else None
    return Table(
        columns=[
            Column("area", _("area"), series=False, kind="text"),
            Column("calls", _("whistle calls")),
            Column("responses", _("responses")),
            Column("avg_minutes", _("average response (minutes)"), series=False, kind="minutes"),
        ],
        rows=out,
    )


def whistle_organizations(q: Query) -> Table:
    rows = (
        q.scoped(WhistleResponse.objects.all(), "call__community")
        .filter(q.period.q("call__raised_at"))
        .values("organization__name")
        .annotate(
            responses=Count("pk"),
            avg_minutes=Avg("response_minutes"),
            selected=Count("pk", filter=Q(selected=True)),
        )
        .order_by("avg_minutes", "organization__name")[:20]
    )
    return Table(
        columns=[
            Column("label", _("organization"), series=False, kind="text"),
            Column("avg_minutes", _("average response (minutes)"), kind="minutes"),
            Column("responses", _("responses"), series=False),
            Column("selected", _("selected"), series=False),
        ],
        rows=[
            {
                "label": r["organization__name"],
                "avg_minutes": round(r["avg_minutes"] or 0, 1),
                "responses": r["responses"],
                "selected": r["selected"],
            }
            for r in rows
        ],
        label_key="label",
    )
