"""Budgets and the funds report (P6), read back from the ledger within the caller's reach.

Per budget: available = its account's balance; outstanding commitments = its two
commitment accounts' balances; paid = what left those commitment accounts for the
outside (net of refunds); committed = outstanding + paid; allocated = available +
committed. Three queries whatever the number of budgets.
"""

import io
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from huitian.access import visible
from huitian.models import LedgerAccount, LedgerEntry
from huitian.models.ledger import ZERO
from procurement.models.funds import Budget, FundingSource

EXTERNAL = LedgerAccount.Kind.EXTERNAL


@dataclass
class ReportRow:
    source: str
    area: str
    street: str
    year: int
    allocated: Decimal = ZERO
    committed: Decimal = ZERO
    committed_services: Decimal = ZERO
    paid: Decimal = ZERO
    available: Decimal = ZERO

    @property
    def services_share(self) -> Decimal:
        """The share of the allocation committed to purchase of services (0–100 %)."""
        if not self.allocated:
            return ZERO
        return (self.committed_services * 100 / self.allocated).quantize(Decimal("0.1"))

    def as_dict(self) -> dict:
        return asdict(self) | {"services_share": self.services_share}


def funding_sources():
    return FundingSource.objects.filter(is_active=True).select_related("account")


def budgets_for(user, *, year=None, source_id=None, area_id=None, budget_ids=None):
    qs = visible(user, Budget.objects.all()).select_related(
        "source", "area", "area__parent", "account", "services_account", "other_account"
    )
    if year:
        qs = qs.filter(year=year)
    if source_id:
        qs = qs.filter(source_id=source_id)
    if area_id:
        qs = qs.filter(area_id=area_id)
    if budget_ids is not None:
        qs = qs.filter(pk__in=budget_ids)
    return qs.order_by("-year", "source__sort_order", "area__code")


def _paid(commitment_ids: list[int]) -> dict[int, Decimal]:
    out = (
        LedgerEntry.objects.filter(credit_id__in=commitment_ids, debit__kind=EXTERNAL)
        .values("credit_id")
        .annotate(s=Sum("amount"))
    )
    back = (
        LedgerEntry.objects.filter(debit_id__in=commitment_ids, credit__kind=EXTERNAL)
        .values("debit_id")
        .annotate(s=Sum("amount"))
    )
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in out:
        paid[row["credit_id"]] += row["s"]
    for row in back:
        paid[row["debit_id"]] -= row["s"]
    return paid


def _street(area) -> str:
    if area.level == "community" and area.parent is not None:
        return area.parent.name
    return area.name


def fund_report(
    user, *, year=None, source_id=None, area_id=None, budget_ids=None
) -> list[ReportRow]:
    """One row per visible budget: allocated / committed / paid / available."""
    budgets = list(
        budgets_for(user, year=year, source_id=source_id, area_id=area_id, budget_ids=budget_ids)
    )
    ids = [b.services_account_id for b in budgets] + [b.other_account_id for b in budgets]
    paid = _paid(ids)
    rows = []
    for b in budgets:
        services = b.services_account.balance + paid[b.services_account_id]
        other = b.other_account.balance + paid[b.other_account_id]
        rows.append(
            ReportRow(
                source=b.source.name,
                area=b.area.name,
                street=_street(b.area),
                year=b.year,
                committed=services + other,
                committed_services=services,
                paid=paid[b.services_account_id] + paid[b.other_account_id],
                available=b.account.balance,
                allocated=b.account.balance + services + other,
            )
        )
    return rows


def report_totals(rows: list[ReportRow], by: str) -> list[ReportRow]:
    """Rows summed by "source", "street" or "year" (the other columns left blank)."""
    totals: dict = {}
    for row in rows:
        key = getattr(row, by)
        total = totals.setdefault(
            key,
            ReportRow(
                source=row.source if by == "source" else "",
                area="",
                street=row.street if by == "street" else "",
                year=row.year if by == "year" else 0,
            ),
        )
        for field in ("allocated", "committed", "committed_services", "paid", "available"):
            setattr(total, field, getattr(total, field) + getattr(row, field))
    return list(totals.values())


def fund_report_xlsx(rows: list[ReportRow]) -> bytes:
    """The report as a workbook: one sheet per budget, one per source total."""
    from openpyxl import Workbook

    columns = [
        ("source", _("Funding source")),
        ("street", _("Street")),
        ("area", _("Area")),
        ("year", _("Year")),
        ("allocated", _("Allocated")),
        ("committed", _("Committed")),
        ("committed_services", _("Committed to purchase of services")),
        ("paid", _("Paid")),
        ("available", _("Available")),
        ("services_share", _("Share to purchase of services (%)")),
    ]
    book = Workbook()
    for index, (title, data) in enumerate(
        ((_("Budgets"), rows), (_("By source"), report_totals(rows, "source")))
    ):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = str(title)
        sheet.append([str(label) for _key, label in columns])
        for row in data:
            values = row.as_dict()
            sheet.append([values[key] for key, _label in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
