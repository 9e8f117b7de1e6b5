"""Process supervision: visits, corrective actions, survey answers (issue 9, item 6)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from huitian.access import Forbidden, visible
from huitian.models import Transition
from huitian.workflow import WorkflowError
from procurement.error_codes import ErrorCode
from procurement.models import Contract, CorrectiveAction, SupervisionVisit, SurveyResponse
from procurement.services import evaluation as svc
from tests.procurement.purchases import in_service, period_of, visit

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


def test_a_visit_and_its_corrective_action_are_recorded_with_their_transitions(cast):
    contract = in_service(cast)
    seen = visit(contract, cast.street_a, findings="部分老人反映饭菜偏咸")
    assert seen.visitor == cast.street_a
    action = svc.open_corrective_action(
        visit_id=seen.pk,
        description="调整菜谱，减少用盐",
        due=timezone.localdate() + datetime.timedelta(days=14),
        by=cast.street_a,
    )
    assert action.state == "open" and action.created_by == cast.street_a
    with pytest.raises(WorkflowError) as refused:
        svc.close_corrective_action(action_id=action.pk, note="", by=cast.street_a)
    assert refused.value.code == ErrorCode.REASON_REQUIRED
    svc.close_corrective_action(action_id=action.pk, note="菜谱已调整，回访满意", by=cast.street_a)
    closed = CorrectiveAction.objects.get(pk=action.pk)
    assert closed.state == "closed"
    line = Transition.objects.get(object_id=action.pk, step="close")
    assert line.by == cast.street_a and line.note == "菜谱已调整，回访满意"
    assert closed.history.count() == 2
    svc.reopen_corrective_action(action_id=action.pk, note="复查仍偏咸", by=cast.street_a)
    assert CorrectiveAction.objects.get(pk=action.pk).state == "open"


def test_a_third_party_evaluator_may_be_named_as_the_visitor_and_reads_the_visit(cast):
    contract = in_service(cast)
    seen = svc.record_visit(
        contract_id=contract.pk,
        visited_on=timezone.localdate(),
        findings="第三方督导：服务记录完整",
        by=cast.street_a,
        visitor=cast.evaluator,
    )
    assert seen.visitor == cast.evaluator
    assert list(visible(cast.evaluator, SupervisionVisit.objects.all())) == [seen]
    assert not visible(cast.street_b, SupervisionVisit.objects.all()).exists()
    with pytest.raises(ValidationError):
        svc.record_visit(
            contract_id=contract.pk,
            visited_on=timezone.localdate(),
            findings="无",
            by=cast.street_a,
            visitor=cast.resident,
        )


def test_visits_are_refused_out_of_area_out_of_service_and_in_the_future(cast):
    contract = in_service(cast)
    with pytest.raises(Forbidden):
        visit(contract, cast.street_b)
    with pytest.raises(Forbidden):
        visit(contract, cast.evaluator)  # a read-only role: staff record for them
    with pytest.raises(ValidationError) as refused:
        visit(contract, cast.street_a, days_ago=-2)
    assert "visited_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        visit(contract, cast.street_a, findings="  ")
    with pytest.raises(ValidationError):
        visit(contract, cast.street_a, findings="长" * 2001)
    Contract.objects.filter(pk=contract.pk).update(state="signed")
    with pytest.raises(WorkflowError) as refused:
        visit(contract, cast.street_a)
    assert refused.value.code == ErrorCode.NOT_IN_SERVICE
    assert not SupervisionVisit.objects.exists()


def test_a_corrective_action_is_not_due_before_its_visit(cast):
    seen = visit(in_service(cast), cast.street_a, days_ago=3)
    with pytest.raises(ValidationError) as refused:
        svc.open_corrective_action(
            visit_id=seen.pk,
            description="整改",
            due=seen.visited_on - datetime.timedelta(days=1),
            by=cast.street_a,
        )
    assert "due" in refused.value.message_dict
    with pytest.raises(Forbidden):
        svc.open_corrective_action(
            visit_id=seen.pk, description="整改", due=seen.visited_on, by=cast.street_b
        )


def test_scoping_of_supervision_records(cast):
    contract = in_service(cast)
    seen = visit(contract, cast.street_a)
    svc.open_corrective_action(
        visit_id=seen.pk, description="整改", due=seen.visited_on, by=cast.street_a
    )
    for who, sees in [
        (cast.district, True),
        (cast.street_a, True),
        (cast.auditor, True),
        (cast.evaluator, True),  # the project's assigned evaluator
        (cast.street_b, False),
        (cast.community_b1, False),
        (cast.resident, False),
    ]:
        assert visible(who, SupervisionVisit.objects.all()).exists() == sees, who
        assert visible(who, CorrectiveAction.objects.all()).exists() == sees, who


def test_survey_answers_entered_and_imported(cast):
    period = period_of(in_service(cast))
    svc.record_survey_response(period_id=period.pk, rating=4, comment="送餐及时", by=cast.street_a)
    imported = svc.import_survey_responses(
        period_id=period.pk,
        text="rating,answered_on,comment\n5,2026-03-01,很满意\n3,,一般\n",
        by=cast.street_a,
    )
    assert [r.source for r in imported] == ["imported", "imported"]
    assert SurveyResponse.objects.filter(period=period).count() == 3
    score, count = svc.satisfaction(period)
    assert count == 3 and str(score) == "75.00"  # mean 4 → 75


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("score\n5\n", "rating"),
        ("rating,answered_on\n6,\n", "Row 2"),
        ("rating,answered_on\n5,\n0,\n", "Row 3"),
        ("rating,answered_on\n5,2026-13-01\n", "Row 2: “2026-13-01” is not a date"),
        ("rating\n", "no answers"),
    ],
)
def test_a_bad_import_writes_nothing_and_names_the_row(cast, text, needle):
    period = period_of(in_service(cast))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        svc.import_survey_responses(period_id=period.pk, text=text, by=cast.street_a)
    assert needle in " ".join(refused.value.message_dict["file"])
    assert not SurveyResponse.objects.exists()


def test_survey_ratings_outside_one_to_five_are_refused(cast):
    period = period_of(in_service(cast))
    for bad in (0, 6, "好"):
        with pytest.raises(ValidationError):
            svc.record_survey_response(period_id=period.pk, rating=bad, by=cast.street_a)
    with pytest.raises(Forbidden):
        svc.record_survey_response(period_id=period.pk, rating=5, by=cast.street_b)
