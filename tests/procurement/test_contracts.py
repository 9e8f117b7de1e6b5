"""Contracts (issue 9, item 5): signing commits year 1, installments and milestone reports,
payments, the final installment left to the evaluation, continuous purchase over at
most three years, no subcontracting of the core service — refusals and the ledger."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from huitian import ledger
from huitian.access import Forbidden, visible
from huitian.models import LedgerEntry, Transition
from huitian.workflow import WorkflowError
from procurement.models import Contract, ContractPeriod, Installment, MilestoneReport, Subcontractor
from procurement.services import contracts as svc
from tests.conftest import STREET_A
from tests.procurement import factories as f
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
Y = f.PROJECT_YEAR


@pytest.fixture
def street(cast):
    return cast.areas[STREET_A]


@pytest.fixture
def budget(cast, street):
    return f.funded_budget(cast.district, street)


@pytest.fixture
def org():
    return OrganizationFactory(name="回龙观为老服务中心")


@pytest.fixture
def member(org):
    return f.member_of(org)


def refused(code, fn, *args, **kw):
    with translation.override("en"), pytest.raises(WorkflowError) as err:
        fn(*args, **kw)
    assert err.value.code == code, (err.value.code, err.value.detail)
    return err.value


def plans(years, amount="100000"):
    return [
        svc.PeriodPlan(
            amount=amount,
            start_date=datetime.date(Y + i, 1, 1),
            end_date=datetime.date(Y + i, 12, 31),
        )
        for i in range(years)
    ]


@pytest.fixture
def awarded(cast, street, budget, org, member):
    project, _app = f.awarded_project(
        cast.street_a, street, budget, cast.evaluator, org, member, years=3
    )
    return project


def available(budget):
    return ledger.available(budget.account)


def test_draft_sign_countersign_commits_year_one_in_the_ledger(cast, awarded, budget, member):
    before = available(budget)
    contract = svc.draft_contract(awarded, by=cast.street_a, periods=plans(3))
    assert contract.amount == Decimal("300000.00") and contract.periods.count() == 3
    p1 = contract.periods.get(index=1)
    assert [i.percent for i in p1.installments.all()] == [30, 40, 30]
    assert [i.amount for i in p1.installments.all()] == [30000, 40000, 30000]
    assert [i.is_final for i in p1.installments.all()] == [False, False, True]
    # The purchaser may not countersign before the organization signs.
    refused("illegal_transition", svc.countersign, contract, by=cast.street_a)
    refused(
        "no_subcontracting_declaration",
        svc.sign_as_organization,
        contract,
        by=member,
        no_subcontracting=False,
    )
    with pytest.raises(Forbidden):
        svc.sign_as_organization(contract, by=cast.resident, no_subcontracting=True)
    svc.sign_as_organization(contract, by=member, no_subcontracting=True)
    assert available(budget) == before
    with pytest.raises(Forbidden):
        svc.countersign(contract, by=cast.street_b)
    svc.countersign(contract, by=cast.street_a)
    p1.refresh_from_db()
    awarded.refresh_from_db()
    assert contract.state == "signed" and awarded.state == "contracted"
    assert p1.state == "committed" and p1.budget == budget
    assert available(budget) == before - Decimal("100000")
    entry = LedgerEntry.objects.get(movement=p1.committed_movement)
    assert entry.amount == Decimal("100000") and entry.debit == budget.services_account
    svc.start_service(contract, by=cast.street_a)
    awarded.refresh_from_db()
    assert contract.state == "in_service" and awarded.state == "in_service"


def test_signing_beyond_the_budget_is_refused_and_nothing_is_written(cast, street, org, member):
    small = f.funded_budget(cast.district, street, amount="50000")
    project, _ = f.awarded_project(
        cast.street_a, street, small, cast.evaluator, org, member, amount="80000"
    )
    contract = svc.draft_contract(project, by=cast.street_a, periods=plans(1, "80000"))
    svc.sign_as_organization(contract, by=member, no_subcontracting=True)
    with pytest.raises(WorkflowError) as err:
        svc.countersign(contract, by=cast.street_a)
    assert err.value.code == "insufficient_funds"
    contract.refresh_from_db()
    project.refresh_from_db()
    assert contract.state == "org_signed" and project.state == "awarded"
    assert contract.periods.get().state == "planned"
    assert not Transition.objects.filter(step="sign", object_id=contract.pk).exists()


def test_drafting_refusals(cast, awarded):
    refused("too_many_years", svc.draft_contract, awarded, by=cast.street_a, periods=plans(4))
    refused(
        "percents_not_100",
        svc.draft_contract,
        awarded,
        by=cast.street_a,
        periods=plans(1),
        schedule=[(30, "a"), (40, "b"), (20, "c")],
    )
    refused(
        "over_project_budget",
        svc.draft_contract,
        awarded,
        by=cast.street_a,
        periods=plans(2, "200000"),
    )
    with pytest.raises(ValidationError):
        svc.draft_contract(awarded, by=cast.street_a, periods=plans(1, "-1"))
    with pytest.raises(ValidationError):
        svc.draft_contract(awarded, by=cast.street_a, periods=plans(1), schedule=[(100, " ")])
    assert not Contract.objects.exists()


def test_the_database_refuses_a_fourth_year_and_a_core_subcontractor(
    cast, street, budget, org, member
):
    contract = f.contract_in_service(cast.street_a, street, budget, cast.evaluator, org, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractPeriod.objects.create(
            contract=contract,
            index=4,
            start_date=datetime.date(Y + 3, 1, 1),
            end_date=datetime.date(Y + 3, 12, 31),
            amount=1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Subcontractor.objects.create(
            contract=contract, name="x", work="核心服务", is_core_service=True
        )


@pytest.fixture
def contract(cast, street, budget, org, member):
    return f.contract_in_service(cast.street_a, street, budget, cast.evaluator, org, member)


def test_milestone_reports_and_payments(cast, contract, member, budget):
    first, second, final = contract.periods.get(index=1).installments.all()
    refused("milestone_not_accepted", svc.pay_installment, first, by=cast.street_a)
    with pytest.raises(Forbidden):
        svc.submit_milestone_report(first, by=cast.resident, text="x")
    report = svc.submit_milestone_report(first, by=member, text="完成团队组建，服务120户")
    refused("report_pending", svc.submit_milestone_report, first, by=member, text="again")
    refused("reason_required", svc.return_milestone_report, report, by=cast.street_a, note="")
    svc.return_milestone_report(report, by=cast.street_a, note="缺少服务台账")
    assert report.state == "returned"
    report2 = svc.submit_milestone_report(first, by=member, text="补充服务台账")
    with pytest.raises(Forbidden):
        svc.accept_milestone_report(report2, by=member)
    svc.accept_milestone_report(report2, by=cast.street_a)
    first.refresh_from_db()
    assert first.state == "due"
    committed = ledger.balance_of(budget.services_account)
    with pytest.raises(Forbidden):
        svc.pay_installment(first, by=cast.street_b)
    svc.pay_installment(first, by=cast.street_a)
    first.refresh_from_db()
    assert first.state == "paid" and first.paid_amount == first.amount == Decimal("90000")
    assert ledger.balance_of(budget.services_account) == committed - Decimal("90000")
    refused("illegal_transition", svc.pay_installment, first, by=cast.street_a)
    refused("illegal_transition", svc.submit_milestone_report, first, by=member, text="x")
    # The final installment waits for the evaluation, even with its milestone accepted.
    final_report = svc.submit_milestone_report(final, by=member, text="全部服务完成")
    svc.accept_milestone_report(final_report, by=cast.street_a)
    final.refresh_from_db()
    err = refused("evaluation_required", svc.pay_installment, final, by=cast.street_a)
    assert "evaluation required" in str(err.detail)
    assert final.state == "due" and final.paid_movement is None
    assert second.state == "pending"


def test_reports_only_while_in_service(cast, street, budget, org, member, awarded):
    contract = svc.draft_contract(awarded, by=cast.street_a, periods=plans(1))
    installment = Installment.objects.filter(period__contract=contract).first()
    refused(
        "contract_not_in_service", svc.submit_milestone_report, installment, by=member, text="x"
    )
    assert not MilestoneReport.objects.exists()


def test_continuous_purchase_opens_the_next_year_only_after_a_passed_evaluation(
    cast, street, budget, org, member
):
    next_budget = f.funded_budget(cast.district, street, year=Y + 1, amount="500000")
    third_budget = f.funded_budget(cast.district, street, year=Y + 2, amount="500000")
    contract = f.contract_in_service(
        cast.street_a, street, budget, cast.evaluator, org, member, years=3
    )
    p1, p2, p3 = contract.periods.all()
    refused("evaluation_not_passed", svc.open_next_period, contract, by=cast.street_a)
    # What item 6's evaluation service writes: a failing grade keeps year 2 closed.
    ContractPeriod.objects.filter(pk=p1.pk).update(
        evaluation_score=55, evaluation_grade="fail", evaluated_at=timezone.now()
    )
    err = refused("evaluation_not_passed", svc.open_next_period, contract, by=cast.street_a)
    assert "Failed" in str(err.detail)
    ContractPeriod.objects.filter(pk=p1.pk).update(
        evaluation_score=86, evaluation_grade="good", state="evaluated"
    )
    before = available(next_budget)
    with pytest.raises(Forbidden):
        svc.open_next_period(contract, by=cast.street_b)
    opened = svc.open_next_period(contract, by=cast.street_a)
    assert opened.pk == p2.pk and opened.state == "committed" and opened.budget == next_budget
    assert available(next_budget) == before - p2.amount
    refused("evaluation_not_passed", svc.open_next_period, contract, by=cast.street_a)
    ContractPeriod.objects.filter(pk=p2.pk).update(evaluation_grade="excellent", state="evaluated")
    assert svc.open_next_period(contract, by=cast.street_a).budget == third_budget
    ContractPeriod.objects.filter(pk=p3.pk).update(evaluation_grade="pass", state="evaluated")
    # A fourth year: refused.
    refused("too_many_years", svc.open_next_period, contract, by=cast.street_a)


def test_the_next_year_needs_a_budget_and_a_planned_year(cast, street, budget, org, member):
    contract = f.contract_in_service(
        cast.street_a, street, budget, cast.evaluator, org, member, years=2
    )
    p1 = contract.periods.get(index=1)
    ContractPeriod.objects.filter(pk=p1.pk).update(evaluation_grade="pass")
    refused("no_budget", svc.open_next_period, contract, by=cast.street_a)
    assert contract.periods.get(index=2).state == "planned"


def test_a_one_year_contract_has_no_next_year(cast, contract):
    ContractPeriod.objects.filter(contract=contract).update(evaluation_grade="excellent")
    refused("no_next_period", svc.open_next_period, contract, by=cast.street_a)


def test_subcontractors_never_for_the_core_service(cast, contract, member):
    refused(
        "core_service_subcontract",
        svc.add_subcontractor,
        contract,
        by=member,
        name="某保洁公司",
        work="助餐配送",
        is_core_service=True,
    )
    assert not Subcontractor.objects.exists()
    sub = svc.add_subcontractor(
        contract, by=member, name="某印刷厂", work="宣传册印制", is_core_service=False
    )
    assert not sub.is_core_service
    with pytest.raises(Forbidden):
        svc.add_subcontractor(contract, by=cast.resident, name="x", work="y", is_core_service=False)


def test_the_organization_sees_its_contract_and_another_street_does_not(cast, contract, member):
    assert list(visible(member, Contract.objects.all())) == [contract]
    assert visible(member, Installment.objects.all()).count() == 3
    assert not visible(cast.street_b, Contract.objects.all()).exists()
    outsider = f.member_of(OrganizationFactory(), "outsider")
    assert not visible(outsider, Installment.objects.all()).exists()
