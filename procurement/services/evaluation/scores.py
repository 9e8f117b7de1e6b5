"""How a contract year is scored: the weights, the grade floors, the final payment's schedule."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count
from django.utils.translation import gettext as _

from procurement.models import (
    ContractPeriod,
    EvaluationGrade,
    SurveyResponse,
)

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
