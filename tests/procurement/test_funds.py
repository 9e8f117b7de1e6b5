"""Funding sources, budgets, the special fund's allocation and the report (issue 9, item 2)."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from huitian import ledger
from huitian.access import Forbidden
from huitian.models import Area
from huitian.workflow import WorkflowError
from procurement.models import Budget, FundingSource
from procurement.selectors import funds as sel
from procurement.services import funds as svc
from tests.conftest import COMMUNITY_A1, STREET_A, STREET_B

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def fund(cast):
    special = svc.special_fund()
    svc.fund_source(source_id=special.pk, amount="40000000", by=cast.district)
    return special


def test_the_plans_sources_exist_once_each_with_an_account():
    first = svc.ensure_funding_sources()
    again = svc.ensure_funding_sources()
    assert [s.pk for s in first] == [s.pk for s in again] and len(first) == 8
    special = svc.special_fund()
    assert special.name == "回天专项资金" and special.plan_total == Decimal("40000000.00")
    assert {s.name for s in first} >= {"社区公益金", "党组织服务群众经费"}
    assert all(s.account.kind == "source" for s in first)


def test_the_special_fund_never_receives_more_than_the_plan(cast, fund):
    fund.account.refresh_from_db()
    assert fund.account.balance == Decimal("40000000.00")
    with translation.override("en"), pytest.raises(WorkflowError) as err:
        svc.fund_source(source_id=fund.pk, amount="0.01", by=cast.district)
    assert err.value.code == "plan_total_exceeded" and "¥0.00" in str(err.value.fields)


def test_allocating_the_special_fund_across_the_seven_streets(cast, fund):
    streets = list(Area.objects.filter(level="street").order_by("code"))
    assert len(streets) == 7
    shares = {s: Decimal("5000000") for s in streets}
    budgets = svc.allocate_special_fund(year=YEAR, shares=shares, by=cast.district)
    assert len(budgets) == 7 and all(b.account.area.level == "street" for b in budgets)
    fund.account.refresh_from_db()
    assert fund.account.balance == Decimal("5000000.00")
    for b in budgets:
        b.account.refresh_from_db()
        assert b.account.balance == Decimal("5000000.00") == ledger.balance_of(b.account)
    # Again for the same year: the same budgets grow, no second budget opens.
    svc.allocate_special_fund(year=YEAR, shares={streets[0]: "1000"}, by=cast.district)
    assert Budget.objects.filter(source=fund, year=YEAR).count() == 7


def test_allocation_beyond_the_fund_is_refused_whole_with_the_figure(cast, fund):
    a, b = cast.area(STREET_A), cast.area(STREET_B)
    with translation.override("en"), pytest.raises(WorkflowError) as err:
        svc.allocate_special_fund(
            year=YEAR, shares={a: "30000000", b: "10000000.01"}, by=cast.district
        )
    assert err.value.code == "insufficient_funds"
    assert "¥40,000,000.00" in str(err.value.detail) and "¥40,000,000.01" in str(err.value.detail)
    assert "shares" in err.value.fields
    assert not Budget.objects.filter(source=fund).exists() or all(
        b.account.balance == 0 for b in Budget.objects.filter(source=fund)
    )


def test_allocation_refusals_bad_amounts_non_streets_and_roles(cast, fund):
    a = cast.area(STREET_A)
    with pytest.raises(ValidationError) as err:
        svc.allocate_special_fund(year=YEAR, shares={a: "-1"}, by=cast.district)
    assert "shares" in err.value.message_dict
    with pytest.raises(WorkflowError) as werr:
        svc.allocate_special_fund(
            year=YEAR, shares={cast.area(COMMUNITY_A1): "1"}, by=cast.district
        )
    assert werr.value.code == "not_a_street"
    for user in (cast.street_a, cast.auditor, cast.community_a1):
        with pytest.raises(Forbidden):
            svc.allocate_special_fund(year=YEAR, shares={a: "1"}, by=user)


def test_commit_release_and_pay_with_the_report(cast, fund):
    a, b = cast.area(STREET_A), cast.area(STREET_B)
    budget_a, _budget_b = svc.allocate_special_fund(
        year=YEAR, shares={a: "1000000", b: "500000"}, by=cast.district
    )
    svc.commit_budget(budget_id=budget_a.pk, amount="600000", purpose="services", by=cast.street_a)
    svc.commit_budget(budget_id=budget_a.pk, amount="100000", purpose="other", by=cast.street_a)
    svc.release_commitment(
        budget_id=budget_a.pk, amount="50000", purpose="services", by=cast.street_a
    )
    svc.pay_from_budget(
        budget_id=budget_a.pk, amount="200000", purpose="services", by=cast.street_a
    )
    with pytest.raises(WorkflowError) as err:  # more than is committed and unpaid
        svc.pay_from_budget(
            budget_id=budget_a.pk, amount="350000.01", purpose="services", by=cast.street_a
        )
    assert err.value.code == "insufficient_funds"
    with pytest.raises(Forbidden):  # street B's staff do not spend street A's budget
        svc.commit_budget(budget_id=budget_a.pk, amount="1", purpose="services", by=cast.street_b)
    with pytest.raises(Forbidden):
        svc.commit_budget(budget_id=budget_a.pk, amount="1", purpose="services", by=cast.auditor)

    rows = {r.street: r for r in sel.fund_report(cast.district, year=YEAR)}
    ra = rows[a.name]
    assert (ra.allocated, ra.committed, ra.committed_services, ra.paid, ra.available) == (
        Decimal("1000000.00"),
        Decimal("650000.00"),
        Decimal("550000.00"),
        Decimal("200000.00"),
        Decimal("350000.00"),
    )
    assert ra.services_share == Decimal("55.0")
    assert rows[b.name].available == Decimal("500000.00")
    # Scoped: street staff see their own street only; the district sees all.
    assert [r.street for r in sel.fund_report(cast.street_a, year=YEAR)] == [a.name]
    assert [r.street for r in sel.fund_report(cast.street_b, year=YEAR)] == [b.name]
    total = sel.report_totals(sel.fund_report(cast.district), "source")
    assert len(total) == 1 and total[0].allocated == Decimal("1500000.00")


def test_the_report_exports_to_xlsx(cast, fund):
    from openpyxl import load_workbook

    svc.allocate_special_fund(year=YEAR, shares={cast.area(STREET_A): "1000"}, by=cast.district)
    book = load_workbook(io.BytesIO(sel.fund_report_xlsx(sel.fund_report(cast.district))))
    sheet = book.worksheets[0]
    rows = list(sheet.values)
    assert len(rows) == 2 and rows[1][0] == "回天专项资金" and rows[1][4] == 1000
    assert len(book.worksheets) == 2


def test_the_report_reads_in_a_fixed_number_of_queries(cast, fund, django_assert_num_queries):
    streets = list(Area.objects.filter(level="street"))
    svc.allocate_special_fund(year=YEAR, shares={s: "10" for s in streets}, by=cast.district)
    sel.fund_report(cast.district, year=YEAR)  # warms the area tree's cache
    with django_assert_num_queries(3):  # budgets with accounts, paid out, paid back
        rows = sel.fund_report(cast.district, year=YEAR)
    assert len(rows) == 7


def test_an_allocation_to_any_source_and_area(cast):
    svc.ensure_funding_sources()
    welfare = FundingSource.objects.get(code="welfare_subsidy")
    svc.fund_source(source_id=welfare.pk, amount="300000", by=cast.district)
    budget = svc.allocate_budget(
        source_id=welfare.pk,
        area=cast.area(COMMUNITY_A1),
        year=YEAR,
        amount="200000",
        by=cast.district,
    )
    assert budget.area.code == COMMUNITY_A1
    assert sel.fund_report(cast.community_a1)[0].available == Decimal("200000.00")
    with pytest.raises(WorkflowError):
        svc.allocate_budget(
            source_id=welfare.pk,
            area=cast.area(COMMUNITY_A1),
            year=YEAR,
            amount="100000.01",
            by=cast.district,
        )
