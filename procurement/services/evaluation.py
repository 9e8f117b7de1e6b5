"""Supervision, post-evaluation, payment by score and settlement (P8, item 6).

- Process supervision (过程督导): `record_visit`, `open_corrective_action`,
  `close_corrective_action`. A major project (budget from
  `settings.PURCHASE_MAJOR_PROJECT_THRESHOLD`) is not evaluated without a visit; no
  project is evaluated while one of its corrective actions is open.
- Satisfaction surveys: `record_survey_response`, `import_survey_responses`.
- `evaluate_period`: one contract year scored (quantity, quality, satisfaction →
  overall score and grade); the period and project take their `evaluate` steps; the
  grade is recorded as a credit event. A failed year is corrected and evaluated
  again: a new `Evaluation` row.
- `pay_final_installment`: the final installment by the score
  (`settings.PURCHASE_FINAL_PAYMENT_SCHEDULE`), the unpaid part released back to
  the budget; below the last floor it is withheld until a passing re-evaluation.
- `settle_period`: the year is settled; the last year completes the contract and
  settles the project.

`evaluation_problems(period)` says why a year cannot be evaluated now (screens show it).
"""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import CreditEvent
from credit.services.events import record_credit_event
from huitian.access import has_role, require
from huitian.models import Role
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move
from procurement.error_codes import ErrorCode
from procurement.models import (
    Budget,
    Contract,
    ContractPeriod,
    CorrectiveAction,
    Evaluation,
    EvaluationGrade,
    Installment,
    PurchaseProject,
    SupervisionVisit,
    SurveyResponse,
)
from procurement.models import supervision as m
from procurement.services import funds

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DEFAULT_WEIGHTS = {"quantity": 30, "quality": 40, "satisfaction": 30}
DEFAULT_SCHEDULE = [(90, 100), (80, 95), (60, 80)]
# Grade floors (the national practice: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below).
GRADE_FLOORS = [
    (Decimal(90), EvaluationGrade.EXCELLENT),
    (Decimal(80), EvaluationGrade.GOOD),
    (Decimal(60), EvaluationGrade.PASS),
]
# What a grade does to the organization's credit score (credit reads the event).
GRADE_EFFECTS = {
    EvaluationGrade.EXCELLENT: 5,
    EvaluationGrade.GOOD: 2,
    EvaluationGrade.PASS: 0,
    EvaluationGrade.FAIL: -10,
}
IMPORT_MAX_ROWS = 5000


# --- Scores -------------------------------------------------------------------------


def weights() -> dict[str, Decimal]:
    chosen = getattr(settings, "PURCHASE_EVALUATION_WEIGHTS", DEFAULT_WEIGHTS)
    return {k: Decimal(str(chosen[k])) for k in ("quantity", "quality", "satisfaction")}


def payment_schedule() -> list[tuple[Decimal, Decimal]]:
    """(score floor, percent of the final installment paid), highest floor first."""
    chosen = getattr(settings, "PURCHASE_FINAL_PAYMENT_SCHEDULE", DEFAULT_SCHEDULE)
    return sorted(((Decimal(str(f)), Decimal(str(p))) for f, p in chosen), reverse=True)


def final_payment_percent(score: Decimal) -> Decimal:
    """The share of the final installment a score pays (0: withheld)."""
    for floor, percent in payment_schedule():
        if score >= floor:
            return percent
    return Decimal(0)


def grade_for(score: Decimal) -> str:
    for floor, grade in GRADE_FLOORS:
        if score >= floor:
            return grade
    return EvaluationGrade.FAIL


def overall_score(quantity: Decimal, quality: Decimal, satisfaction: Decimal) -> Decimal:
    w = weights()
    total = sum(w.values())
    weighted = quantity * w["quantity"] + quality * w["quality"] + satisfaction * w["satisfaction"]
    return (weighted / total).quantize(CENT, rounding=ROUND_HALF_UP)


def _score(value, field: str) -> Decimal:
    try:
        score = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(
            {field: [_("“%(value)s” is not a score.") % {"value": value}]}
        ) from None
    if not score.is_finite() or not Decimal(0) <= score <= HUNDRED:
        raise ValidationError(
            {field: [_("A score is from 0 to 100; %(value)s is not.") % {"value": value}]}
        )
    if score != score.quantize(CENT):
        raise ValidationError(
            {
                field: [
                    _("A score has at most two decimal places; %(value)s has more.")
                    % {"value": value}
                ]
            }
        )
    return score


def satisfaction(period: ContractPeriod) -> tuple[Decimal | None, int]:
    """The satisfaction score (0–100) from the year's survey responses, and their count."""
    row = SurveyResponse.objects.filter(period=period).aggregate(avg=Avg("rating"), n=Count("pk"))
    if not row["n"]:
        return None, 0
    score = (Decimal(str(row["avg"])) - 1) / 4 * HUNDRED
    return score.quantize(CENT, rounding=ROUND_HALF_UP), row["n"]


# --- Supervision ----------------------------------------------------------------------


def _project_of(contract: Contract) -> PurchaseProject:
    return contract.project


def _in_service(contract: Contract) -> None:
    if contract.state != Contract.State.IN_SERVICE:
        raise WorkflowError(
            ErrorCode.NOT_IN_SERVICE,
            _("Contract %(number)s is %(state)s, not in service.")
            % {"number": contract.number, "state": contract.get_state_display()},
        )


def record_visit(
    *, contract_id: int, visited_on: datetime.date, findings: str, by, visitor=None
) -> SupervisionVisit:
    """A supervision visit to a contract in service; `visitor` defaults to who records it."""
    check_lengths(findings=(findings, m.FINDINGS_MAX))
    if not (findings or "").strip():
        raise ValidationError({"findings": [_("Say what the visit found.")]})
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": [_("A visit cannot be recorded ahead of its date.")]})
    with transaction.atomic():
        contract = Contract.objects.select_related("project__area").get(pk=contract_id)
        require(by, "procurement.supervise_contract", contract.project)
        _in_service(contract)
        visitor = visitor or by
        if visitor.pk != by.pk and not (
            has_role(visitor, Role.EVALUATOR)
            or visitor.has_perm("procurement.supervise_contract", contract.project)
        ):
            raise ValidationError(
                {"visitor": [_("The visitor is neither the purchaser's staff nor an evaluator.")]}
            )
        visit = SupervisionVisit(
            contract=contract, visited_on=visited_on, visitor=visitor, findings=findings.strip()
        )
        visit._history_user = by
        visit.save()
    return visit


def open_corrective_action(
    *, visit_id: int, description: str, due: datetime.date, by
) -> CorrectiveAction:
    check_lengths(description=(description, m.ACTION_MAX))
    if not (description or "").strip():
        raise ValidationError({"description": [_("Say what must be corrected.")]})
    with transaction.atomic():
        visit = SupervisionVisit.objects.select_related("contract__project__area").get(pk=visit_id)
        require(by, "procurement.supervise_contract", visit.contract.project)
        if due < visit.visited_on:
            raise ValidationError({"due": [_("The correction cannot be due before the visit.")]})
        action = CorrectiveAction(
            visit=visit, description=description.strip(), due=due, created_by=by
        )
        action._history_user = by
        action.save()
    return action


def close_corrective_action(*, action_id: int, note: str, by) -> CorrectiveAction:
    """Close an action as corrected, saying how (the note is the transition's record)."""
    with transaction.atomic():
        action = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("visit__contract__project__area")
            .get(pk=action_id)
        )
        require(by, "procurement.supervise_contract", action.visit.contract.project)
        move(action, CorrectiveAction.FLOW["close"], by=by, note=note)
    return action


def reopen_corrective_action(*, action_id: int, note: str, by) -> CorrectiveAction:
    with transaction.atomic():
        action = (
            CorrectiveAction.objects.select_for_update(of=("self",))
            .select_related("visit__contract__project__area")
            .get(pk=action_id)
        )
        require(by, "procurement.supervise_contract", action.visit.contract.project)
        move(action, CorrectiveAction.FLOW["reopen"], by=by, note=note)
    return action


# --- Satisfaction surveys ---------------------------------------------------------------


def _rating(value, field: str = "rating") -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            {field: [_("“%(value)s” is not a rating.") % {"value": value}]}
        ) from None
    if not 1 <= rating <= 5:
        raise ValidationError(
            {field: [_("A rating is from 1 to 5; %(value)s is not.") % {"value": value}]}
        )
    return rating


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {"answered_on": [_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}]}
        ) from None


def _period_for_surveys(period_id: int, by) -> ContractPeriod:
    period = ContractPeriod.objects.select_related("contract__project__area").get(pk=period_id)
    require(by, "procurement.evaluate_contract", period.contract.project)
    failed = period.state == ContractPeriod.State.EVALUATED and not period.evaluation_passed
    if period.state != ContractPeriod.State.COMMITTED and not failed:
        raise WorkflowError(
            ErrorCode.NOT_IN_SERVICE,
            _("Survey answers are recorded for a year in service; this one is %(state)s.")
            % {"state": period.get_state_display()},
        )
    return period


def record_survey_response(
    *,
    period_id: int,
    rating,
    by,
    answered_on: datetime.date | None = None,
    comment: str = "",
    source: str = SurveyResponse.Source.ENTERED,
) -> SurveyResponse:
    check_lengths(comment=(comment, m.COMMENT_MAX))
    rating = _rating(rating)
    with transaction.atomic():
        period = _period_for_surveys(period_id, by)
        response = SurveyResponse(
            period=period,
            rating=rating,
            comment=(comment or "").strip(),
            answered_on=answered_on or timezone.localdate(),
            source=source,
            recorded_by=by,
        )
        response._history_user = by
        response.save()
    return response


def import_survey_responses(*, period_id: int, text: str, by) -> list[SurveyResponse]:
    """Import answers from CSV text with the header `rating,answered_on,comment`
    (answered_on as YYYY-MM-DD, may be empty). All rows or none; errors name the row."""
    reader = csv.DictReader(io.StringIO(text or ""))
    if not reader.fieldnames or "rating" not in [f.strip() for f in reader.fieldnames]:
        raise ValidationError({"file": [_("The file needs a “rating” column.")]})
    rows, errors = [], []
    for number, row in enumerate(reader, start=2):
        if number - 1 > IMPORT_MAX_ROWS:
            raise ValidationError(
                {"file": [_("At most %(n)s answers per file.") % {"n": IMPORT_MAX_ROWS}]}
            )
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            rating = _rating(row.get("rating"))
            day = row.get("answered_on") or ""
            answered_on = _day(day) if day else timezone.localdate()
            comment = row.get("comment", "")
            check_lengths(comment=(comment, m.COMMENT_MAX))
        except ValidationError as exc:
            errors.append(
                _("Row %(n)s: %(error)s") % {"n": number, "error": "; ".join(exc.messages)}
            )
            continue
        rows.append((rating, answered_on, comment))
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": [_("The file has no answers.")]})
    with transaction.atomic():
        period = _period_for_surveys(period_id, by)
        return [
            record_survey_response(
                period_id=period.pk,
                rating=rating,
                answered_on=answered_on,
                comment=comment,
                source=SurveyResponse.Source.IMPORTED,
                by=by,
            )
            for rating, answered_on, comment in rows
        ]


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
                    "budget": project.budget_amount,
                    "threshold": settings.PURCHASE_MAJOR_PROJECT_THRESHOLD,
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


# --- Payment by score and settlement ------------------------------------------------------


def _locked_period(period_id: int, by, permission: str) -> ContractPeriod:
    period = (
        ContractPeriod.objects.select_for_update(of=("self",))
        .select_related("contract__project__area", "budget")
        .get(pk=period_id)
    )
    require(by, permission, period.contract.project)
    return period


def pay_final_installment(*, period_id: int, by) -> Installment:
    """Pay the final installment by the year's score; release what is not paid.

    Below the schedule's last floor the installment is withheld (nothing released):
    the organization corrects, the year is evaluated again, and this pays then."""
    with transaction.atomic():
        period = _locked_period(period_id, by, "procurement.settle_contract")
        if period.state != ContractPeriod.State.EVALUATED or period.evaluation_score is None:
            raise WorkflowError(
                ErrorCode.NOT_EVALUATED,
                _(
                    "The final installment of year %(n)s is paid after its evaluation; "
                    "it is %(state)s."
                )
                % {"n": period.index, "state": period.get_state_display()},
            )
        final = Installment.objects.select_for_update().filter(period=period, is_final=True).first()
        if final is None:
            raise WorkflowError(
                ErrorCode.NO_FINAL_INSTALLMENT,
                _("Year %(n)s has no final installment.") % {"n": period.index},
            )
        unpaid = list(
            period.installments.filter(is_final=False)
            .exclude(state=Installment.State.PAID)
            .order_by("order")
        )
        if unpaid:
            raise WorkflowError(
                ErrorCode.EARLIER_INSTALLMENTS_UNPAID,
                _("Installment %(order)s (%(milestone)s) is not paid yet.")
                % {"order": unpaid[0].order, "milestone": unpaid[0].milestone},
            )
        percent = final_payment_percent(period.evaluation_score)
        if percent == 0:
            move(
                final,
                Installment.FLOW["withhold"],
                by=by,
                note=_("Score %(score)s: withheld until corrected and evaluated again.")
                % {"score": period.evaluation_score},
            )
            return final
        check_step(final, Installment.FLOW["pay_by_score"])
        amount = (final.amount * percent / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        note = _("Score %(score)s: %(percent)s%% of ¥%(amount)s") % {
            "score": period.evaluation_score,
            "percent": percent.normalize(),
            "amount": final.amount,
        }
        common = {
            "budget_id": period.budget_id,
            "purpose": Budget.Purpose.SERVICES,
            "by": by,
            "cause": final,
        }
        final.paid_movement = funds.pay_from_budget(amount=amount, note=note, **common)
        final.paid_amount = amount
        final.paid_at = timezone.now()
        remainder = final.amount - amount
        if remainder > 0:
            final.released_movement = funds.release_commitment(
                amount=remainder,
                note=_("Not paid by the score %(score)s") % {"score": period.evaluation_score},
                **common,
            )
        # The payment fields first: the database refuses a paid row without its movement.
        final.save(update_fields=["paid_movement", "paid_amount", "paid_at", "released_movement"])
        move(final, Installment.FLOW["pay_by_score"], by=by, note=note)
    return final


def settle_period(*, period_id: int, by) -> ContractPeriod:
    """Settle an evaluated year whose final installment is paid; the contract's last
    year also completes the contract and settles the project."""
    with transaction.atomic():
        period = _locked_period(period_id, by, "procurement.settle_contract")
        final = period.installments.filter(is_final=True).first()
        if final is None or final.state != Installment.State.PAID:
            raise WorkflowError(
                ErrorCode.FINAL_INSTALLMENT_UNPAID,
                _("Year %(n)s is settled once its final installment is paid.")
                % {"n": period.index},
            )
        move(period, ContractPeriod.FLOW["settle"], by=by, note=_("Settled"))
        contract = Contract.objects.select_for_update().get(pk=period.contract_id)
        project = PurchaseProject.objects.select_for_update().get(pk=contract.project_id)
        # The contract's last year (跨年度: the next year opens through the contracts
        # service once this one passed; it puts the project back in service).
        last = period.index >= project.years
        if last:
            move(contract, Contract.FLOW["complete"], by=by, note=_("All years settled"))
            move(project, PurchaseProject.FLOW["settle"], by=by, note=_("All years settled"))
    return period
