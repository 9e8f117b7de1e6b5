"""The purchase life cycle at service level, in one test (issue 9, "Done when"):
purchase-service item (a promoted topic) → project → pre-review → open → apply → close →
score → award → contract (sign, countersign) → start → milestone reports accepted →
installments paid → supervision → evaluation → final installment by score → settle,
through the services only; the ledger balances at the end.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.test import Client

from credit.models import CreditEvent
from huitian.models import LedgerAccount, LedgerMovement
from procurement import ocds
from procurement.models import Contract, ContractPeriod, Installment, PurchaseProject, Topic
from procurement.selectors import disclosure
from procurement.services import contracts, lists, projects, purchase_items
from procurement.services import evaluation as svc
from tests.conftest import STREET_A
from tests.procurement.factories import (
    PROJECT_YEAR,
    funded_budget,
    member_of,
    past_deadline,
    pay_non_final,
    web_need,
)
from tests.procurement.test_ocds import assert_valid
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

YEAR = Decimal("600000.00")  # a major project: two years of 600,000


def test_item_to_settled_contract_with_the_ledger_balanced(cast):
    street = cast.area(STREET_A)
    # A resident's need grouped into a topic, promoted to a purchase-service item.
    need = web_need("老年餐桌午饭不够", "高龄老人中午吃不上热饭", cat="elderly_meals")
    lists.group_pending_needs(100)
    topic = Topic.objects.get(needs__pk=need.pk)
    item = purchase_items.promote_topic(
        topic_id=topic.pk,
        by=cast.street_a,
        estimated_budget=Decimal("1200000"),
        service_standard="每个工作日为辖区高龄老人供应午餐并送餐上门",
        title="老年餐桌助餐服务",
    )
    budget = funded_budget(cast.district, street, year=PROJECT_YEAR, amount=YEAR)
    budget_2027 = funded_budget(cast.district, street, year=PROJECT_YEAR + 1, amount=YEAR)

    # Project from the item, pre-reviewed by the evaluator, open for applications.
    project = projects.create_project_from_items(
        by=cast.street_a,
        items=[item],
        area=street,
        budget=budget,
        purchaser_name="回龙观街道办事处",
        quantity=150,
        unit="户",
        duration_months=24,
        years=2,
        evaluator=cast.evaluator,
    )
    assert project.budget_amount == Decimal("1200000") and list(project.items.all()) == [item]
    projects.submit_for_review(project, by=cast.street_a)
    projects.pre_review(project, by=cast.evaluator, decision="pass", opinion="需求真实，预算合理")
    projects.open_for_applications(project, by=cast.street_a, working_days=10)

    # An eligible organization applies; reviewed without conflict, scored, awarded.
    organization = OrganizationFactory(name="回龙观助老服务中心")
    member = member_of(organization)
    application = projects.apply(
        project,
        organization=organization,
        by=member,
        proposal="配餐中心统一制作，志愿者协助送达",
        quoted_amount=project.budget_amount,
    )
    projects.close_applications(past_deadline(project), by=cast.street_a)
    projects.assign_reviewer(project, reviewer=cast.evaluator, by=cast.street_a)
    projects.declare_conflict(application, by=cast.evaluator, has_conflict=False)
    projects.score_application(
        application,
        by=cast.evaluator,
        scores={"plan": 36, "capacity": 22, "experience": 17, "price": 13},
        comment="方案具体，团队稳定",
    )
    projects.award(project, application=application, by=cast.street_a, reason="方案最优")

    # Contract: two yearly periods; the countersignature commits year 1 from the budget.
    plans = [
        contracts.PeriodPlan(
            amount=YEAR,
            start_date=datetime.date(PROJECT_YEAR + i, 1, 1),
            end_date=datetime.date(PROJECT_YEAR + i, 12, 31),
        )
        for i in range(2)
    ]
    contract = contracts.draft_contract(project, by=cast.street_a, periods=plans)
    contracts.sign_as_organization(contract, by=member, no_subcontracting=True)
    contracts.countersign(contract, by=cast.street_a)
    contracts.start_service(contract, by=cast.street_a)
    year1, year2 = contract.periods.order_by("index")
    assert year1.budget == budget and year2.budget is None
    commitment = LedgerAccount.objects.get(pk=budget.services_account_id)
    assert commitment.balance == YEAR

    # Milestones reported and accepted, the 30 % and 40 % installments paid.
    pay_non_final(year1, cast.street_a, member)
    commitment.refresh_from_db()
    assert commitment.balance == Decimal("180000.00")  # 600,000 committed − 420,000 paid
    project.refresh_from_db()
    assert project.state == "in_service"

    # Supervision: a major project needs a visit; its correction is closed first.
    visit = svc.record_visit(
        contract_id=contract.pk,
        visited_on=contract.start_date,
        findings="入户记录不全",
        by=cast.street_a,
    )
    action = svc.open_corrective_action(
        visit_id=visit.pk, description="补全入户记录", due=contract.start_date, by=cast.street_a
    )
    for rating in (4, 4, 4, 5):
        svc.record_survey_response(period_id=year1.pk, rating=rating, by=cast.street_a)
    problems = [p.code for p in svc.evaluation_problems(ContractPeriod.objects.get(pk=year1.pk))]
    assert problems == ["corrective_action_open"]
    svc.close_corrective_action(action_id=action.pk, note="已补全", by=cast.street_a)

    # Evaluate (third party), pay by score, release the rest, settle the year.
    done = svc.evaluate_period(
        period_id=year1.pk,
        quantity_score="88",
        quality_score="85",
        evaluator_kind="third_party",
        evaluator=cast.evaluator,
        by=cast.street_a,
    )
    # satisfaction (4.25−1)/4×100 = 81.25; (88×30 + 85×40 + 81.25×30)/100 = 84.775 → 84.78
    assert (done.overall_score, done.grade) == (Decimal("84.78"), "good")
    final = svc.pay_final_installment(period_id=year1.pk, by=cast.street_a)
    assert final.paid_amount == Decimal("171000.00")  # 95 % of 180,000
    assert final.released_movement.entries.get().amount == Decimal("9000.00")
    commitment.refresh_from_db()
    assert commitment.balance == 0  # year 1 paid or released in full
    svc.settle_period(period_id=year1.pk, by=cast.street_a)
    assert PurchaseProject.objects.get(pk=project.pk).state == "evaluated"  # a year to go

    # Year 2: committed from next year's budget once year 1 passed; the project resumes.
    contracts.open_next_period(contract, by=cast.street_a)
    assert PurchaseProject.objects.get(pk=project.pk).state == "in_service"
    year2.refresh_from_db()
    assert year2.budget == budget_2027
    pay_non_final(year2, cast.street_a, member)
    for rating in (5, 5, 5):
        svc.record_survey_response(period_id=year2.pk, rating=rating, by=cast.street_a)
    svc.evaluate_period(
        period_id=year2.pk, quantity_score="95", quality_score="95", by=cast.street_a
    )
    svc.pay_final_installment(period_id=year2.pk, by=cast.street_a)
    svc.settle_period(period_id=year2.pk, by=cast.street_a)
    assert PurchaseProject.objects.get(pk=project.pk).state == "settled"
    assert Contract.objects.get(pk=contract.pk).state == "completed"
    assert set(
        Installment.objects.filter(period__contract=contract).values_list("state", flat=True)
    ) == {"paid"}
    # The ledger at the end: nothing committed; paid + released = the contract's amount.
    for account_id in (budget.services_account_id, budget_2027.services_account_id):
        assert LedgerAccount.objects.get(pk=account_id).balance == 0
    installments = Installment.objects.filter(period__contract=contract)
    paid = sum(i.paid_amount for i in installments)
    released = sum(
        i.released_movement.entries.get().amount for i in installments if i.released_movement
    )
    assert (paid, released) == (Decimal("1191000.00"), Decimal("9000.00"))
    assert paid + released == contract.amount == Decimal("1200000.00")
    assert CreditEvent.objects.filter(organization=contract.organization).count() == 2

    # Disclosure: the OCDS export validates; the audit trail has every step and entry.
    package = ocds.release_package(ocds.public_projects(), uri="https://example.cn/ocds/")
    assert_valid(package)
    (release,) = package["releases"]
    assert len(release["contracts"][0]["implementation"]["transactions"]) == 6
    _project, lines = disclosure.audit_trail(cast.district, project.pk)
    # A movement's cause is (type, id): ids alone match rows of other types too.
    of = ContentType.objects.get_for_model
    movements = LedgerMovement.objects.filter(
        Q(cause_type=of(type(year1)), cause_id__in=[year1.pk, year2.pk])
        | Q(
            cause_type=of(Installment),
            cause_id__in=Installment.objects.filter(period__contract=contract).values("pk"),
        )
    )
    assert sum(1 for line in lines if line.kind == "ledger") >= movements.count() > 0
    assert Client().get(f"/purchases/public/{project.pk}/").status_code == 200
