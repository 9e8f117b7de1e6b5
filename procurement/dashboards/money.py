"""Money panels: budget use per area and the foundation's income and use (yuan)."""

from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from huitian.dashboards import Column, Query, Table
from procurement.models.foundation import Disbursement, Donation
from procurement.selectors.funds import budgets_for, fund_report


def budget_use(q: Query) -> Table:
    """Budgets of the period's first year per child area: allocated, committed, paid."""
    year = q.period.start.year
    ids = list(q.scoped(budgets_for(q.user, year=year), "area").values_list("pk", flat=True))
    budgets = list(budgets_for(q.user, budget_ids=ids)) if ids else []
    report = fund_report(q.user, budget_ids=ids) if ids else []
    raw = [
        {
            "area_id": b.area_id,
            "allocated": float(r.allocated),
            "committed": float(r.committed),
            "paid": float(r.paid),
            "available": float(r.available),
        }
        for b, r in zip(budgets, report, strict=True)
    ]
    keys = ["allocated", "committed", "paid", "available"]
    rows = q.roll_up(raw, "area_id", keys)
    for row in rows:
        for k in keys:
            row[k] = round(row[k], 2)
    return Table(
        columns=[
            Column("area", _("area"), series=False, kind="text"),
            *(
                Column(k, label, kind="money")
                for k, label in (
                    ("allocated", _("allocated")),
                    ("committed", _("committed")),
                    ("paid", _("paid")),
                    ("available", _("available")),
                )
            ),
        ],
        rows=rows,
        note=_("Budgets of the year the period starts in (yuan)."),
    )


def foundation(q: Query) -> Table:
    """Community funds: donations received and disbursements paid in the period (yuan)."""
    given = (
        q.scoped(Donation.objects.all(), "fund__community")
        .filter(q.period.q_date("donated_on"))
        .values(area_id=F("fund__community_id"))
        .annotate(income=Sum("amount"))
    )
    spent = (
        q.scoped(Disbursement.objects.filter(state=Disbursement.State.PAID), "fund__community")
        .filter(q.period.q("requested_at"))
        .values(area_id=F("fund__community_id"))
        .annotate(used=Sum("amount"))
    )
    raw = [{"area_id": r["area_id"], "income": float(r["income"]), "used": 0.0} for r in given]
    raw += [{"area_id": r["area_id"], "income": 0.0, "used": float(r["used"])} for r in spent]
    rows = q.roll_up(raw, "area_id", ["income", "used"])
    return Table(
        columns=[
            Column("area", _("area"), series=False, kind="text"),
            Column("income", _("donations received"), kind="money"),
            Column("used", _("disbursements paid"), kind="money"),
        ],
        rows=rows,
    )
