"""Cancelling a purchase project whose contract has committed money (issue 9): the
commitment goes back to the budget (a `release` movement caused by the contract, with
the reason), then the project is cancelled, in one transaction; paid money is refused."""

from decimal import Decimal

import pytest
from django.utils import translation

from huitian import ledger
from huitian.models import LedgerMovement
from huitian.workflow import WorkflowError
from procurement.models import Contract, Installment
from procurement.selectors import disclosure
from procurement.services import contracts
from procurement.services import projects as svc
from tests.procurement import factories as f
from tests.procurement import purchases as p

pytestmark = pytest.mark.django_db
REASON = "街道调整服务计划，项目终止"


def balances(budget):
    budget.refresh_from_db()
    return ledger.available(budget.account), ledger.balance_of(budget.services_account)


def test_cancel_releases_the_committed_year_and_the_audit_shows_it(cast, client_as):
    contract = p.in_service(cast, pay=False)
    project, period = contract.project, p.period_of(contract)
    budget = period.budget
    available, committed = balances(budget)
    assert committed == period.amount == Decimal(p.MINOR)

    svc.cancel_project(project, by=cast.street_a, reason=REASON)

    assert balances(budget) == (available + period.amount, committed - period.amount)
    project.refresh_from_db()
    contract.refresh_from_db()
    period.refresh_from_db()
    assert (project.state, contract.state, period.state) == ("cancelled", "terminated", "cancelled")
    release = LedgerMovement.objects.get(kind="release")
    assert release.cause == contract and REASON in release.note
    assert release.entries.get().amount == period.amount
    # The staff's audit view lists the release with its reason, after the commitment.
    _project, lines = disclosure.audit_trail(cast.street_a, project.pk)
    money = [(line.what.split(":")[0], line.amount) for line in lines if line.kind == "ledger"]
    assert money[-1] == (str(LedgerMovement.Kind.RELEASE.label), period.amount)
    page = client_as(cast.street_a).get(f"/purchases/audit/{project.pk}/")
    assert page.status_code == 200 and REASON in page.content.decode()


def test_cancel_releases_every_committed_year_of_a_continuous_purchase(cast):
    contract = p.in_service(cast, years=2, pay=False)
    first = p.period_of(contract)
    # Year 1 evaluated and passed, year 2 committed: both commitments go back.
    p.surveys(first, cast.street_a)
    p.evaluate(first, cast.street_a)
    contracts.open_next_period(contract, by=cast.street_a)
    second = p.period_of(contract, 2)
    budgets = {first.budget_id: balances(first.budget), second.budget_id: balances(second.budget)}
    svc.cancel_project(contract.project, by=cast.street_a, reason=REASON)
    for period in (first, second):
        period.refresh_from_db()
        before = budgets[period.budget_id]
        assert balances(period.budget) == (before[0] + period.amount, before[1] - period.amount)
        assert period.state == "cancelled"
    assert LedgerMovement.objects.filter(kind="release").count() == 2


def test_cancel_is_refused_once_money_was_paid_and_nothing_moves(cast):
    contract = p.in_service(cast)  # the non-final installments are paid
    project, period = contract.project, p.period_of(contract)
    before = balances(period.budget)
    movements = LedgerMovement.objects.count()
    with translation.override("en"), pytest.raises(WorkflowError) as err:
        svc.cancel_project(project, by=cast.street_a, reason=REASON)
    assert err.value.code == "already_paid"
    paid = sum(i.paid_amount for i in Installment.objects.filter(state="paid"))
    assert f"¥{paid:,.2f}" in str(err.value.detail) and "not take paid money back" in str(
        err.value.detail
    )
    project.refresh_from_db()
    assert project.state == "in_service" and Contract.objects.get().state == "in_service"
    assert balances(period.budget) == before and LedgerMovement.objects.count() == movements


def test_cancel_before_signing_moves_no_money(cast):
    street = cast.area(p.STREET_A)
    budget = f.funded_budget(cast.district, street)
    project = f.draft_project(cast.street_a, street, budget, evaluator=cast.evaluator)
    movements = LedgerMovement.objects.count()
    svc.cancel_project(project, by=cast.street_a, reason=REASON)
    assert project.state == "cancelled" and LedgerMovement.objects.count() == movements
