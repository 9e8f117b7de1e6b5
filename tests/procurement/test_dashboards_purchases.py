"""Dashboard panels of purchase projects and their money (D1): the flow sources → areas
→ projects, projects by state, committed and paid, evaluation grades, deadlines. Every
figure counts through the scoping door and equals the ledger's own entries."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from huitian.models import LedgerEntry, LedgerMovement, Role
from procurement.models.contracts import ContractPeriod, Installment
from tests.conftest import STREET_A, STREET_B, api_as, make_user
from tests.procurement import factories, purchases
from tests.queries import assert_pinned
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

YEAR = str(factories.PROJECT_YEAR)
PANELS = ("money-flow", "projects-by-state", "project-money", "evaluation-grades")


def panel(client, key, **params):
    response = client.get(f"/api/v1/dashboards/{key}/", {"period": YEAR, **params})
    assert response.status_code == 200, response.content
    return response.json()


def ledger_sum(movements) -> Decimal:
    return LedgerEntry.objects.filter(movement__in=movements).aggregate(s=Sum("amount"))["s"]


@pytest.fixture
def contract(cast):
    """A contract of street A in service: 100,000 committed, 70 % of it paid."""
    cache.clear()
    return purchases.in_service(cast, title="回龙观助餐服务")


def test_money_flows_from_sources_through_streets_to_projects(cast, contract):
    flow = panel(api_as(cast.district), "money-flow")
    assert flow["chart"] == "sankey" and flow["value_key"] == "amount"
    links = {(r["from"], r["to"]): r for r in flow["rows"]}
    street = cast.area(STREET_A)
    period = ContractPeriod.objects.get(contract=contract)
    # The street → project link is what the ledger committed to the contract year, and
    # what it paid: the sums of those movements' entries.
    committed = ledger_sum(LedgerMovement.objects.filter(pk=period.committed_movement_id))
    paid = ledger_sum(
        LedgerMovement.objects.filter(
            pk__in=Installment.objects.filter(period=period).values("paid_movement")
        )
    )
    to_project = links[(street.name, "回龙观助餐服务")]
    assert Decimal(str(to_project["amount"])) == committed == Decimal("100000.00")
    assert Decimal(str(to_project["paid"])) == paid == Decimal("70000.00")
    # The source → street link is the special fund's allocation to the street's budget.
    allocated = ledger_sum(
        LedgerMovement.objects.filter(
            kind=LedgerMovement.Kind.ALLOCATE, entries__debit__budget__area=street
        )
    )
    (to_street,) = [r for (a, b), r in links.items() if b == street.name]
    assert Decimal(str(to_street["amount"])) == allocated
    assert to_street["from"] == "回天专项资金"


def test_a_street_clerk_sees_its_streets_flows_only(cast, contract):
    own = panel(api_as(cast.street_a), "money-flow")
    assert {r["to"] for r in own["rows"]} >= {"回龙观助餐服务"}
    other = panel(api_as(cast.street_b), "money-flow")
    assert other["rows"] == []
    for key in PANELS[:-1]:  # nothing is evaluated yet
        assert panel(api_as(cast.street_b), key)["rows"] == [], key
        assert panel(api_as(cast.street_a), key)["rows"], key
    refused = api_as(cast.street_b).get(
        "/api/v1/dashboards/money-flow/", {"period": YEAR, "area": cast.area(STREET_A).pk}
    )
    assert refused.status_code == 403


def test_project_panels_count_by_street(cast, contract):
    client = api_as(cast.district)
    street = cast.area(STREET_A).name
    by_state = {r["area"]: r for r in panel(client, "projects-by-state")["rows"]}
    assert by_state[street]["in_service"] == 1
    money = {r["area"]: r for r in panel(client, "project-money")["rows"]}
    assert (money[street]["planned"], money[street]["committed"], money[street]["paid"]) == (
        100000.0,
        100000.0,
        70000.0,
    )
    period = ContractPeriod.objects.get(contract=contract)
    purchases.surveys(period, cast.street_a)
    purchases.evaluate(period, cast.street_a)
    cache.clear()
    period.refresh_from_db()
    grades = panel(client, "evaluation-grades", period=str(period.evaluated_at.year))
    assert {r["area"]: r[period.evaluation_grade] for r in grades["rows"]} == {street: 1}


def test_projects_near_the_deadline_link_to_the_admin_list(cast, client_as):
    street = cast.area(STREET_A)
    budget = factories.funded_budget(cast.district, street)
    near = factories.open_project(cast.street_a, street, budget, cast.evaluator)
    type(near).objects.filter(pk=near.pk).update(
        application_deadline=timezone.localdate() + datetime.timedelta(days=3)
    )
    late = factories.past_deadline(
        factories.open_project(cast.street_a, street, budget, cast.evaluator)
    )
    cache.clear()
    due = panel(api_as(cast.district), "projects-deadline")
    assert {r["area"]: (r["past"], r["near"]) for r in due["rows"]} == {street.name: (1, 1)}
    assert panel(api_as(cast.street_b), "projects-deadline")["rows"] == []
    # The link opens the admin's list of the open projects, where applications close.
    page = client_as(cast.street_a).get(due["links"][0]["url"])
    assert page.status_code == 200
    assert set(page.context["cl"].queryset) == {near, late}


def test_the_purchase_panels_run_a_fixed_number_of_queries(cast, contract):
    client = api_as(cast.district)

    def fetch():
        cache.clear()
        for key in (*PANELS, "projects-deadline"):
            assert client.get(f"/api/v1/dashboards/{key}/", {"period": YEAR}).status_code == 200

    def grow():
        # A second street with its own budget, project, contract and payments.
        street = cast.area(STREET_B)
        evaluator = make_user("evaluator_b", Role.EVALUATOR, street)
        organization = OrganizationFactory()
        member = factories.member_of(organization)
        budget = factories.funded_budget(cast.district, street)
        other = factories.contract_in_service(
            cast.street_b, street, budget, evaluator, organization, member, title="天通苑助老"
        )
        factories.pay_non_final(other.periods.get(index=1), cast.street_b, member)
        fetch()

    assert_pinned(fetch, grow)
    flow = panel(client, "money-flow")
    assert {r["to"] for r in flow["rows"]} >= {"回龙观助餐服务", "天通苑助老"}
