"""Post-evaluation of a contract year: what stops it, the score and grade, the credit event."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import CreditEvent
from credit.services.events import record_credit_event
from huitian.access import has_role, require
from huitian.ledger import yuan
from huitian.models import Role
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move
from procurement.error_codes import ErrorCode
from procurement.models import (
    Contract,
    ContractPeriod,
    CorrectiveAction,
    Evaluation,
    EvaluationGrade,
    PurchaseProject,
)
from procurement.models import supervision as m
from procurement.services.evaluation.scores import (
    GRADE_EFFECTS,
    _score,
    grade_for,
    overall_score,
    satisfaction,
)

# --- Evaluation ---------------------------------------------------------------------------


def latest_evaluation(period: ContractPeriod) -> Evaluation | None:
    return period.evaluations.order_by("-evaluated_at", "-pk").first()


def evaluation_problems(period: ContractPeriod) -> list[WorkflowError]:
    """Everything that stops this year being evaluated now, each a refusal with its code
    and reason (the first is what `evaluate_period` raises)."""
    contract = period.contract
    project = contract.project
    problems = []
    if contract.state != Contract.State.IN_SERVICE:
        problems.append(
            WorkflowError(
                ErrorCode.NOT_IN_SERVICE,
                _("Contract %(number)s is %(state)s, not in service.")
                % {"number": contract.number, "state": contract.get_state_display()},
            )
        )
    if period.state == ContractPeriod.State.EVALUATED:
        if period.evaluation_passed:
            problems.append(
                WorkflowError(
                    ErrorCode.ALREADY_EVALUATED,
                    _("Year %(n)s was evaluated and passed (%(score)s).")
                    % {"n": period.index, "score": period.evaluation_score},
                )
            )
    elif period.state != ContractPeriod.State.COMMITTED:
        problems.append(
            WorkflowError(
                ErrorCode.NOT_IN_SERVICE,
                _("Year %(n)s is %(state)s, not in service.")
                % {"n": period.index, "state": period.get_state_display()},
            )
        )
    if project.state not in (PurchaseProject.State.IN_SERVICE, PurchaseProject.State.EVALUATED):
        problems.append(
            WorkflowError(
                ErrorCode.NOT_IN_SERVICE,
                _("Project “%(title)s” is %(state)s, not in service.")
                % {"title": project.title, "state": project.get_state_display()},
            )
        )
    if project.is_major and not contract.supervision_visits.exists():
        problems.append(
            WorkflowError(
                ErrorCode.SUPERVISION_REQUIRED,
                _(
                    "A major project (budget ¥%(budget)s, from ¥%(threshold)s) needs at "
                    "least one supervision visit before it is evaluated."
                )
                % {
                    "budget": yuan(project.budget_amount),
                    "threshold": yuan(settings.PURCHASE_MAJOR_PROJECT_THRESHOLD),
                },
            )
        )
    open_actions = list(
        CorrectiveAction.objects.filter(
            visit__contract=contract, state=CorrectiveAction.State.OPEN
        ).order_by("due", "pk")
    )
    if open_actions:
        problems.append(
            WorkflowError(
                ErrorCode.CORRECTIVE_ACTION_OPEN,
                _("%(n)s corrective action(s) still open: %(first)s (due %(due)s).")
                % {
                    "n": len(open_actions),
                    "first": open_actions[0].description[:60],
                    "due": open_actions[0].due,
                },
            )
        )
    if not period.survey_responses.exists():
        problems.append(
            WorkflowError(
                ErrorCode.NO_SURVEY_RESPONSES,
                _("Year %(n)s has no satisfaction survey answers yet.") % {"n": period.index},
            )
        )
    return problems


def evaluate_period(
    *,
    period_id: int,
    quantity_score,
    quality_score,
    by,
    evaluator_kind: str = Evaluation.EvaluatorKind.PURCHASER,
    evaluator=None,
    opinion: str = "",
) -> Evaluation:
    """Score one contract year; refused with the reason while anything stops it."""
    check_lengths(opinion=(opinion, m.FINDINGS_MAX))
    quantity = _score(quantity_score, "quantity_score")
    quality = _score(quality_score, "quality_score")
    if evaluator_kind not in Evaluation.EvaluatorKind.values:
        raise ValidationError({"evaluator_kind": [_("Choose who evaluated.")]})
    third_party = evaluator_kind == Evaluation.EvaluatorKind.THIRD_PARTY
    if third_party and (evaluator is None or not has_role(evaluator, Role.EVALUATOR)):
        raise ValidationError(
            {"evaluator": [_("Name the third-party evaluator (a user with the evaluator role).")]}
        )
    with transaction.atomic():
        period = (
            ContractPeriod.objects.select_for_update(of=("self",))
            .select_related("contract__project__area")
            .get(pk=period_id)
        )
        contract = Contract.objects.select_for_update().get(pk=period.contract_id)
        project = PurchaseProject.objects.select_for_update().get(pk=contract.project_id)
        period.contract = contract
        contract.project = project
        require(by, "procurement.evaluate_contract", project)
        problems = evaluation_problems(period)
        if problems:
            raise problems[0]
        previous = latest_evaluation(period)
        satisfaction_score, count = satisfaction(period)
        overall = overall_score(quantity, quality, satisfaction_score)
        grade = grade_for(overall)
        now = timezone.now()
        evaluation = Evaluation.objects.create(
            period=period,
            evaluator_kind=evaluator_kind,
            evaluator=evaluator if third_party else None,
            quantity_score=quantity,
            quality_score=quality,
            satisfaction_score=satisfaction_score,
            survey_count=count,
            overall_score=overall,
            grade=grade,
            opinion=(opinion or "").strip(),
            supersedes=previous if period.state == ContractPeriod.State.EVALUATED else None,
            evaluated_by=by,
            evaluated_at=now,
        )
        note = _("Score %(score)s, %(grade)s") % {
            "score": overall,
            "grade": EvaluationGrade(grade).label,
        }
        if period.state == ContractPeriod.State.EVALUATED:  # a corrected year, again
            move(period, ContractPeriod.FLOW["reevaluate"], by=by, note=_("Evaluated again"))
        period.evaluation_score = overall
        period.evaluation_grade = grade
        period.evaluated_at = now
        move(
            period,
            ContractPeriod.FLOW["evaluate"],
            by=by,
            note=note,
            also=["evaluation_score", "evaluation_grade", "evaluated_at"],
        )
        if project.state == PurchaseProject.State.EVALUATED:
            move(project, PurchaseProject.FLOW["resume"], by=by, note=_("Evaluated again"))
        move(project, PurchaseProject.FLOW["evaluate"], by=by, note=note)
        record_credit_event(
            organization_id=contract.organization_id,
            kind=CreditEvent.Kind.PURCHASE_EVALUATION,
            summary=_("“%(title)s” year %(n)s: %(score)s, %(grade)s")
            % {
                "title": project.title[:80],
                "n": period.index,
                "score": overall,
                "grade": EvaluationGrade(grade).label,
            },
            occurred_on=timezone.localdate(),
            effect=GRADE_EFFECTS[grade],
            source=evaluation,
            by=by,
        )
    return evaluation
