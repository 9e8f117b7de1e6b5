"""Money panels (yuan): the flow sources → areas → purchase projects, budget use per
area, and the foundation's income and use."""

from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huitian.dashboards import Column, Query, Table
from huitian.models.ledger import ZERO
from procurement.models.contracts import ContractPeriod, Installment
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


# -------------------------------------------------------------- the money flow


def _unique(label: str, taken: set[str], pk) -> str:
    """A sankey node is known by its name: a project titled like an area (or another
    project) gets its number added, so the flow never loops back."""
    if label in taken:
        label = f"{label} #{pk}"
    taken.add(label)
    return label


def money_flow(q: Query) -> Table:
    """Sources → areas → purchase projects, for the budgets of the period's first year.

    A source → area link is what the source allocated to the area's budgets (with what
    of it is committed and paid); an area → project link is what those budgets
    committed to the project's contract, net of releases (with what of it is paid).
    Every amount is read from the ledger: the budgets' report (balances and entries)
    and the entries of the contract years' commitment, payment and release movements.
    """
    year = q.period.start.year
    ids = list(q.scoped(budgets_for(q.user, year=year), "area").values_list("pk", flat=True))
    if not ids:
        return Table(columns=FLOW_COLUMNS, rows=[], label_key="from", y_key="to")
    budgets = list(budgets_for(q.user, budget_ids=ids))
    report = fund_report(q.user, budget_ids=ids)
    to_area: dict[tuple, dict] = {}
    for b, r in zip(budgets, report, strict=True):
        node = q.child_of(b.area_id)
        if node is None:
            continue
        slot = to_area.setdefault(
            (b.source.sort_order, b.source.name, node.path),
            {"from": b.source.name, "to": node.name, "stage": str(ALLOCATED), "area_id": node.id}
            | {"amount": ZERO, "paid": ZERO},
        )
        slot["amount"] += r.allocated
        slot["paid"] += r.paid

    periods = q.countable(ContractPeriod.objects.filter(budget_id__in=ids))
    committed = periods.values(
        "contract__project_id", "contract__project__title", "budget__area_id"
    ).annotate(amount=Sum("committed_movement__entries__amount"))
    installments = q.countable(Installment.objects.filter(period__budget_id__in=ids))
    paid = installments.values("period__contract__project_id", "period__budget__area_id").annotate(
        paid=Sum("paid_movement__entries__amount")
    )
    released = installments.values(
        "period__contract__project_id", "period__budget__area_id"
    ).annotate(released=Sum("released_movement__entries__amount"))
    flows: dict[tuple, dict] = {}
    for row in committed:
        node = q.child_of(row["budget__area_id"])
        if node is None or not row["amount"]:
            continue
        key = (node.id, row["contract__project_id"])
        slot = flows.setdefault(
            key,
            {"to_title": row["contract__project__title"], "node": node}
            | {"amount": ZERO, "paid": ZERO},
        )
        slot["amount"] += row["amount"]
    for rows, field, sign in ((paid, "paid", 1), (released, "released", -1)):
        for row in rows:
            node = q.child_of(row["period__budget__area_id"])
            slot = node and flows.get((node.id, row["period__contract__project_id"]))
            if slot and row[field]:
                target = "paid" if field == "paid" else "amount"
                slot[target] += sign * row[field]

    taken = {r["from"] for r in to_area.values()} | {r["to"] for r in to_area.values()}
    out = [to_area[k] for k in sorted(to_area)]
    for (_area, project_id), slot in sorted(
        flows.items(), key=lambda kv: (kv[1]["node"].path, -kv[1]["amount"], kv[0][1])
    ):
        out.append(
            {
                "from": slot["node"].name,
                "to": _unique(slot["to_title"], taken, project_id),
                "stage": str(COMMITTED),
                "area_id": slot["node"].id,
                "amount": slot["amount"],
                "paid": slot["paid"],
            }
        )
    for row in out:
        row["amount"] = float(row["amount"])
        row["paid"] = float(row["paid"])
    return Table(
        columns=FLOW_COLUMNS,
        rows=[r for r in out if r["amount"]],
        label_key="from",
        y_key="to",
        value_key="amount",
        note=_(
            "Budgets of the year the period starts in (yuan): a source's allocation to an "
            "area, then what the area's budgets committed to each purchase project."
        ),
    )


ALLOCATED = pgettext_lazy("money flow", "allocated")
COMMITTED = pgettext_lazy("money flow", "committed")
FLOW_COLUMNS = [
    Column("from", pgettext_lazy("money flow", "from"), series=False, kind="text"),
    Column("to", pgettext_lazy("money flow", "to"), series=False, kind="text"),
    Column("stage", pgettext_lazy("money flow", "flow"), series=False, kind="text"),
    Column("amount", _("amount (yuan)"), kind="money"),
    Column("paid", _("paid"), series=False, kind="money"),
]
