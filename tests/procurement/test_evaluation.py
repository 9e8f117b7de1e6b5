"""Post-evaluation, payment by score and settlement (issue 9, item 6)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from credit.models import CreditEvent
from huitian.access import Forbidden, visible
from huitian.models import LedgerAccount, Transition
from huitian.workflow import WorkflowError
from procurement.error_codes import ErrorCode
from procurement.models import Contract, ContractPeriod, Evaluation, Installment, PurchaseProject
from procurement.services import contracts
from procurement.services import evaluation as svc
from tests.procurement.factories import pay_non_final
from tests.procurement.purchases import MAJOR, evaluate, in_service, period_of, surveys, visit

pytestmark = pytest.mark.django_db


def budget_balance(contract) -> Decimal:
    return LedgerAccount.objects.get(pk=contract.project.budget.account_id).balance


def services_commitment(contract) -> Decimal:
    return LedgerAccount.objects.get(pk=contract.project.budget.services_account_id).balance


def final_of(period) -> Installment:
    return period.installments.get(is_final=True)


@pytest.mark.parametrize(
    ("score", "percent"),
    [("100", 100), ("90", 100), ("89.99", 95), ("80", 95), ("79.99", 80), ("60", 80), ("59.99", 0)],
)
def test_the_default_schedule(score, percent):
    assert svc.final_payment_percent(Decimal(score)) == percent


def test_the_schedule_is_a_setting(settings):
    settings.PURCHASE_FINAL_PAYMENT_SCHEDULE = [(95, 100), (70, 50)]
    assert svc.final_payment_percent(Decimal("96")) == 100
    assert svc.final_payment_percent(Decimal("94")) == 50
    assert svc.final_payment_percent(Decimal("69")) == 0


def test_an_excellent_year_is_paid_in_full_and_settles_the_project(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a)  # 5,5,4,5 → 93.75
    result = evaluate(period, cast.street_a)
    # (95×30 + 92×40 + 93.75×30) / 100 = 93.425 → 93.43
    assert result.overall_score == Decimal("93.43") and result.grade == "excellent"
    assert result.satisfaction_score == Decimal("93.75") and result.survey_count == 4
    period.refresh_from_db()
    assert (period.state, period.evaluation_score, period.evaluation_grade) == (
        "evaluated",
        Decimal("93.43"),
        "excellent",
    )
    assert period.evaluated_at is not None
    assert PurchaseProject.objects.get(pk=contract.project_id).state == "evaluated"
    event = CreditEvent.objects.get(organization=contract.organization, kind="purchase_evaluation")
    assert event.effect == 5 and "93.43" in event.summary

    before = services_commitment(contract)
    final = svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    assert final.state == "paid" and final.paid_amount == Decimal("30000.00")
    assert final.released_movement is None
    assert services_commitment(contract) == before - Decimal("30000.00") == 0

    svc.settle_period(period_id=period.pk, by=cast.street_a)
    assert ContractPeriod.objects.get(pk=period.pk).state == "settled"
    assert Contract.objects.get(pk=contract.pk).state == "completed"
    assert PurchaseProject.objects.get(pk=contract.project_id).state == "settled"
    steps = set(
        Transition.objects.filter(object_id=contract.project_id).values_list("step", flat=True)
    )
    assert {"evaluate", "settle"} <= steps


def test_a_good_year_pays_95_percent_and_releases_the_rest(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a, ratings=(4, 4))  # 75
    result = evaluate(period, cast.street_a, quantity="90", quality="90")
    assert result.overall_score == Decimal("85.50") and result.grade == "good"
    available = budget_balance(contract)
    final = svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    assert final.paid_amount == Decimal("28500.00")
    assert final.released_movement.entries.get().amount == Decimal("1500.00")
    assert budget_balance(contract) == available + Decimal("1500.00")
    assert services_commitment(contract) == 0


def test_a_failed_year_is_withheld_then_corrected_and_evaluated_again(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a, ratings=(2, 2))  # 25
    first = evaluate(period, cast.street_a, quantity="50", quality="50")
    assert first.overall_score == Decimal("42.50") and first.grade == "fail"
    assert CreditEvent.objects.get(organization=contract.organization).effect == -10
    committed = services_commitment(contract)
    final = svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    assert final.state == "withheld" and final.paid_movement is None
    assert services_commitment(contract) == committed  # nothing paid, nothing released
    with pytest.raises(WorkflowError) as refused:
        svc.settle_period(period_id=period.pk, by=cast.street_a)
    assert refused.value.code == ErrorCode.FINAL_INSTALLMENT_UNPAID

    seen = visit(contract, cast.street_a, findings="送餐不准时")
    action = svc.open_corrective_action(
        visit_id=seen.pk, description="调整送餐路线", due=seen.visited_on, by=cast.street_a
    )
    with pytest.raises(WorkflowError) as refused:
        evaluate(period, cast.street_a, quantity="90", quality="90")
    assert refused.value.code == ErrorCode.CORRECTIVE_ACTION_OPEN
    svc.close_corrective_action(action_id=action.pk, note="已调整路线，复查准时", by=cast.street_a)
    surveys(period, cast.street_a, ratings=(5, 5, 5, 5, 5, 5))

    again = evaluate(period, cast.street_a, quantity="90", quality="90")
    assert again.supersedes == first and again.grade == "good"
    assert Evaluation.objects.filter(period=period).count() == 2
    period.refresh_from_db()
    assert period.evaluation_grade == "good" and period.state == "evaluated"
    assert {"reevaluate", "evaluate"} <= set(
        Transition.objects.filter(
            object_id=period.pk, to_state__in=["committed", "evaluated"]
        ).values_list("step", flat=True)
    )
    final = svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    assert final.state == "paid" and final.paid_amount == Decimal("28500.00")


def test_a_passed_year_is_not_evaluated_twice(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a)
    evaluate(period, cast.street_a)
    with pytest.raises(WorkflowError) as refused:
        evaluate(period, cast.street_a)
    assert refused.value.code == ErrorCode.ALREADY_EVALUATED


def test_a_contract_not_in_service_is_not_evaluated_and_nothing_is_written(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a)
    Contract.objects.filter(pk=contract.pk).update(state="signed")
    with pytest.raises(WorkflowError) as refused:
        evaluate(period, cast.street_a)
    assert refused.value.code == ErrorCode.NOT_IN_SERVICE
    assert contract.number in str(refused.value.detail)
    assert not Evaluation.objects.exists()
    assert ContractPeriod.objects.get(pk=period.pk).state == "committed"
    assert not CreditEvent.objects.exists()


def test_a_major_project_needs_a_supervision_visit(cast):
    contract = in_service(cast, amount=MAJOR)
    assert contract.project.is_major
    period = period_of(contract)
    surveys(period, cast.street_a)
    with pytest.raises(WorkflowError) as refused:
        evaluate(period, cast.street_a)
    assert refused.value.code == ErrorCode.SUPERVISION_REQUIRED
    assert "¥600,000.00" in str(refused.value.detail)
    visit(contract, cast.street_a)
    assert evaluate(period, cast.street_a).grade == "excellent"


def test_a_minor_project_needs_no_visit(cast):
    contract = in_service(cast)
    assert not contract.project.is_major
    surveys(period_of(contract), cast.street_a)
    assert evaluate(period_of(contract), cast.street_a)


def test_the_major_threshold_is_a_setting(cast, settings):
    settings.PURCHASE_MAJOR_PROJECT_THRESHOLD = 50000
    contract = in_service(cast)
    surveys(period_of(contract), cast.street_a)
    with pytest.raises(WorkflowError) as refused:
        evaluate(period_of(contract), cast.street_a)
    assert refused.value.code == ErrorCode.SUPERVISION_REQUIRED


def test_no_evaluation_without_survey_answers(cast):
    contract = in_service(cast)
    with pytest.raises(WorkflowError) as refused:
        evaluate(period_of(contract), cast.street_a)
    assert refused.value.code == ErrorCode.NO_SURVEY_RESPONSES


@pytest.mark.parametrize(
    ("field", "value"),
    [("quantity", "-1"), ("quantity", "100.01"), ("quality", "80.123"), ("quality", "很好")],
)
def test_scores_out_of_range_are_refused(cast, field, value):
    contract = in_service(cast)
    surveys(period_of(contract), cast.street_a)
    with pytest.raises(ValidationError) as refused:
        evaluate(period_of(contract), cast.street_a, **{field: value})
    assert f"{field}_score" in refused.value.message_dict
    assert not Evaluation.objects.exists()


def test_a_third_party_evaluation_names_an_evaluator_who_then_reads_it(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a)
    with pytest.raises(ValidationError) as refused:
        evaluate(period, cast.street_a, evaluator_kind="third_party", evaluator=cast.street_b)
    assert "evaluator" in refused.value.message_dict
    done = evaluate(period, cast.street_a, evaluator_kind="third_party", evaluator=cast.evaluator)
    assert done.evaluator == cast.evaluator
    assert list(visible(cast.evaluator, Evaluation.objects.all())) == [done]
    assert list(visible(cast.street_a, Evaluation.objects.all())) == [done]
    assert not visible(cast.street_b, Evaluation.objects.all()).exists()
    assert list(visible(cast.district, Evaluation.objects.all())) == [done]


def test_out_of_area_staff_may_not_evaluate_pay_or_settle(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a)
    for who in (cast.street_b, cast.community_a1, cast.evaluator):
        with pytest.raises(Forbidden):
            evaluate(period, who)
    evaluate(period, cast.street_a)
    for who in (cast.street_b, cast.evaluator):
        with pytest.raises(Forbidden):
            svc.pay_final_installment(period_id=period.pk, by=who)
        with pytest.raises(Forbidden):
            svc.settle_period(period_id=period.pk, by=who)
    assert final_of(period).state == "pending"


def test_the_final_installment_is_not_paid_before_evaluation(cast):
    contract = in_service(cast)
    with pytest.raises(WorkflowError) as refused:
        svc.pay_final_installment(period_id=period_of(contract).pk, by=cast.street_a)
    assert refused.value.code == ErrorCode.NOT_EVALUATED
    assert final_of(period_of(contract)).state == "pending"


def test_the_final_installment_waits_for_the_earlier_ones(cast):
    street_contract = in_service(cast)
    Installment.objects.filter(period__contract=street_contract, order=2).update(state="due")
    period = period_of(street_contract)
    surveys(period, cast.street_a)
    evaluate(period, cast.street_a)
    with pytest.raises(WorkflowError) as refused:
        svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    assert refused.value.code == ErrorCode.EARLIER_INSTALLMENTS_UNPAID
    assert "中期" in str(refused.value.detail)


def test_a_paid_final_installment_is_not_paid_twice(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a)
    evaluate(period, cast.street_a)
    svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    with pytest.raises(WorkflowError) as refused:
        svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    assert refused.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_a_second_year_is_evaluated_after_the_first_is_settled(cast):
    contract = in_service(cast, years=2)
    first, second = period_of(contract, 1), period_of(contract, 2)
    surveys(first, cast.street_a)
    evaluate(first, cast.street_a)
    svc.pay_final_installment(period_id=first.pk, by=cast.street_a)
    svc.settle_period(period_id=first.pk, by=cast.street_a)
    assert Contract.objects.get(pk=contract.pk).state == "in_service"
    assert PurchaseProject.objects.get(pk=contract.project_id).state == "evaluated"
    # The contracts service commits year 2 once year 1 passed.
    contracts.open_next_period(contract, by=cast.street_a)
    pay_non_final(period_of(contract, 2), cast.street_a)
    surveys(second, cast.street_a, ratings=(4, 4))
    evaluate(second, cast.street_a, quantity="90", quality="90")
    svc.pay_final_installment(period_id=second.pk, by=cast.street_a)
    svc.settle_period(period_id=second.pk, by=cast.street_a)
    assert PurchaseProject.objects.get(pk=contract.project_id).state == "settled"
    assert Contract.objects.get(pk=contract.pk).state == "completed"


def test_evaluations_are_append_only_in_the_database(cast):
    contract = in_service(cast)
    period = period_of(contract)
    surveys(period, cast.street_a)
    done = evaluate(period, cast.street_a)
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL-only: the append-only trigger that refuses UPDATE/DELETE of an "
            "evaluation is installed on PostgreSQL, the database deployments and CI run"
        )
    for write in (
        lambda: Evaluation.objects.filter(pk=done.pk).update(overall_score=100),
        lambda: Evaluation.objects.filter(pk=done.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            write()
    assert Evaluation.objects.get(pk=done.pk).overall_score == Decimal("93.43")
