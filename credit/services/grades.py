"""Grade evaluation (等级评估, C3): thresholds, rounds, indicator scores, the grade.

The third-party evaluator enters the scores of the evaluations assigned to it; the
registration body awards the grade from the round's thresholds, valid five years,
recorded as a credit event.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.error_codes import ErrorCode
from credit.models import Appeal, CreditEvent, Evaluation, EvaluationRound, GradeModel
from credit.models.grades import GRADE_THRESHOLDS, GRADE_YEARS, INDICATOR_MAX, INDICATORS
from credit.periods import add_years
from credit.selectors.grades import current_grade_model
from credit.services.events import record_credit_event, reverse_credit_event
from huitian.access import has_role, require
from huitian.models import Role, User
from huitian.services import notify
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move, save_new
from registry.models import Organization

# Points a grade adds to the credit score while it is in force.
GRADE_EFFECTS = {1: 0, 2: 2, 3: 5, 4: 8, 5: 10}
# Registered organizations are graded (community organizations get stars).
GRADED_FORMS = (
    Organization.LegalForm.SOCIAL_GROUP,
    Organization.LegalForm.SOCIAL_SERVICE,
    Organization.LegalForm.FOUNDATION,
)


def why_not_publish_grades(thresholds: list) -> dict[str, list[str]]:
    try:
        values = [int(t) for t in thresholds]
    except (TypeError, ValueError):
        values = []
    rising = len(values) == 5 and all(
        a < b for a, b in zip([0, *values], [*values, 1001], strict=True)
    )
    if not rising:
        return {
            "min_one": [_("The minimum totals for 1A to 5A must rise strictly, from 1 to 1000.")]
        }
    return {}


@transaction.atomic
def publish_grade_model(*, by, thresholds: list, note: str = "") -> GradeModel:
    """A new version of the grade thresholds; rounds keep the version they opened with."""
    require(by, "credit.publish_grade_model")
    problems = why_not_publish_grades(thresholds)
    if problems:
        raise ValidationError(problems)
    list(GradeModel.objects.select_for_update().order_by("pk")[:1])
    version = (GradeModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    return GradeModel.objects.create(
        version=version,
        note=(note or "")[:200],
        created_by=by,
        **{name: int(v) for name, v in zip(GRADE_THRESHOLDS, thresholds, strict=True)},
    )


FIRST_GRADE_MODEL = {"min_one": 600, "min_two": 700, "min_three": 800, "min_four": 900,
                     "min_five": 950, "note": "初始版本"}  # fmt: skip


def grade_model_in_force() -> GradeModel:
    """The latest thresholds (version 1 again if a flushed test database lost it)."""
    return (
        current_grade_model()
        or GradeModel.objects.get_or_create(version=1, defaults=FIRST_GRADE_MODEL)[0]
    )


@transaction.atomic
def open_evaluation_round(*, by, year: int, name: str) -> EvaluationRound:
    require(by, "credit.open_evaluation_round")
    if not (name or "").strip():
        raise ValidationError({"name": [_("Name the round.")]})
    check_lengths(name=(name, 100))
    model = grade_model_in_force()
    return EvaluationRound.objects.create(year=year, name=name.strip(), model=model, opened_by=by)


@transaction.atomic
def assign_evaluation(*, by, round_id: int, organization_id: int, evaluator_id: int) -> Evaluation:
    """Put an organization in a round and assign it to a third-party evaluator."""
    org = get_object_or_404(
        Organization.objects.select_for_update().select_related("home_area"), pk=organization_id
    )
    require(by, "credit.assign_evaluation", org)
    if org.legal_form not in GRADED_FORMS or org.status != Organization.Status.ACTIVE:
        raise ValidationError(
            {"organization": [_("Only active registered organizations are graded.")]}
        )
    evaluator = User.objects.filter(pk=evaluator_id, is_active=True).first()
    if evaluator is None or not has_role(evaluator, Role.EVALUATOR):
        raise ValidationError({"evaluator": [_("Choose a third-party evaluator.")]})
    rnd = get_object_or_404(EvaluationRound, pk=round_id)
    if Evaluation.objects.filter(round=rnd, organization=org).exists():
        raise WorkflowError(
            ErrorCode.ALREADY_IN_ROUND, _("This organization is already in this round.")
        )
    evaluation = Evaluation(round=rnd, organization=org, evaluator=evaluator)
    save_new(evaluation, by=by, step="assign")
    return evaluation


def _score(name: str, raw) -> Decimal:
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if value is None or not value.is_finite() or not 0 <= value <= INDICATOR_MAX[name]:
        raise ValidationError(
            {
                f"score_{name}": [
                    _("Enter a score from 0 to %(max)d.") % {"max": INDICATOR_MAX[name]}
                ]
            }
        )
    return value


def enter_scores(*, by, evaluation_id: int, scores: dict, comments: str = "") -> Evaluation:
    """The assigned evaluator enters (or corrects, until the grade is awarded) the four
    indicator scores. Anyone else: 404 if they cannot see it, 403 if they can."""
    values = {name: _score(name, scores.get(name)) for name in INDICATORS}
    check_lengths(comments=(comments or "", Evaluation.COMMENTS_MAX_LENGTH))
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
        require(by, "credit.score_evaluation", evaluation)
        for name, value in values.items():
            setattr(evaluation, f"score_{name}", value)
        evaluation.comments = (comments or "").strip()
        evaluation.total = sum(values.values(), Decimal("0.0"))
        move(
            evaluation,
            Evaluation.FLOW["score"],
            by=by,
            note=_("Total %(t)s of 1000") % {"t": evaluation.total},
            also=[*(f"score_{n}" for n in INDICATORS), "comments", "total"],
        )
    return evaluation


def award_grade(*, by, evaluation_id: int, today: datetime.date | None = None) -> Evaluation:
    """The grade from the round's thresholds, valid five years; a credit event."""
    today = today or timezone.localdate()
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .select_related("round__model", "organization__home_area")
            .get(pk=evaluation_id)
        )
        require(by, "credit.award_grade", evaluation.organization)
        grade = evaluation.round.model.grade_for(evaluation.total or 0)
        # A re-evaluation after an upheld appeal corrects the result; it does not extend
        # the five years of the first award, and its credit event hangs on that appeal
        # (one grade event per source).
        reopened_by = (
            Appeal.objects.filter(grade=evaluation, state=Appeal.State.UPHELD)
            .order_by("-pk")
            .first()
        )
        evaluation.grade = grade
        evaluation.awarded_on = today
        if reopened_by is None or evaluation.valid_until is None:
            evaluation.valid_until = add_years(today, GRADE_YEARS)
        move(
            evaluation,
            Evaluation.FLOW["award"],
            by=by,
            note=evaluation.grade_label,
            also=["grade", "awarded_on", "valid_until"],
        )
        if grade:
            record_credit_event(
                organization_id=evaluation.organization_id,
                kind=CreditEvent.Kind.GRADE,
                occurred_on=today,
                effect=GRADE_EFFECTS[grade],
                expires_on=evaluation.valid_until,
                summary=_("%(round)s: grade %(grade)s (%(total)s of 1000), valid until %(until)s")
                % {
                    "round": evaluation.round,
                    "grade": evaluation.grade_label,
                    "total": evaluation.total,
                    "until": evaluation.valid_until,
                },
                source=reopened_by or evaluation,
                by=by,
            )
    return evaluation


def grade_events_in_force(evaluation: Evaluation):
    """The grade's credit events not yet corrected (the award's, or a re-award's)."""
    appeals = Appeal.objects.filter(grade=evaluation).values("pk")
    return CreditEvent.objects.filter(
        organization_id=evaluation.organization_id,
        kind=CreditEvent.Kind.GRADE,
        reversed_by__isnull=True,
    ).filter(
        Q(source_type=ContentType.objects.get_for_model(Evaluation), source_id=evaluation.pk)
        | Q(source_type=ContentType.objects.get_for_model(Appeal), source_id__in=appeals)
    )


def reopen_after_appeal(*, evaluation_id: int, by, reason: str) -> Evaluation:
    """An upheld grade appeal: the grade stops being in force, its credit event is
    corrected with the decision as reason, and the evaluation goes back to the
    third-party evaluator, who may correct the scores before the district awards again.
    Call inside the decision's transaction."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation_id)
    if evaluation.state != Evaluation.State.AWARDED:
        return evaluation  # already back with the evaluator
    evaluation.grade = None
    evaluation.awarded_on = None
    move(
        evaluation,
        Evaluation.FLOW["reopen"],
        by=by,
        note=reason,
        also=["grade", "awarded_on"],
    )
    for event in grade_events_in_force(evaluation):
        reverse_credit_event(event_id=event.pk, by=by, reason=reason)
    # The evaluator has work again; without a notice it only shows as "scored".
    notify(
        recipients=[evaluation.evaluator],
        kind="credit.grade_reopened",
        title=_("An appeal sent the grade evaluation of %(org)s back for re-evaluation")
        % {"org": evaluation.organization.name},
        body=reason,
        url=reverse("admin:credit_evaluation_change", args=[evaluation.pk]),
    )
    return evaluation
