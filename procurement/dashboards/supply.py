"""Supply gaps: categories with open need topics in the area and no current offer."""

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huitian.dashboards import Column, Query, Table
from procurement.dashboards.needs import category_names
from procurement.models import Offer, Topic


def supply_gaps(q: Query) -> Table:
    """Categories with open need topics in the area but no current offer serving it."""
    topics = (
        q.scoped(Topic.objects.filter(state=Topic.State.OPEN), "area")
        .values("category_id")
        .annotate(topics=Count("pk"), needs=Sum("need_count"))
    )
    covering = [int(a) for a in q.area.path.strip("/").split("/") if a]
    offered = set(
        Offer.objects.filter(state=Offer.State.ACTIVE, valid_until__gte=timezone.localdate())
        .filter(Q(areas__in=covering) | Q(areas__in=q.area_ids))
        .values_list("category_id", flat=True)
        .distinct()
    )
    names = category_names(q)
    rows = [
        {"label": names.get(r["category_id"], ""), "topics": r["topics"], "needs": r["needs"] or 0}
        for r in topics
        if r["category_id"] not in offered
    ]
    rows.sort(key=lambda r: (-r["needs"], r["label"]))
    return Table(
        columns=[
            Column("label", _("category"), series=False, kind="text"),
            Column("topics", _("open topics")),
            Column("needs", _("needs")),
        ],
        rows=rows,
        label_key="label",
        note=_("Categories with open need topics and no active offer serving this area."),
    )
