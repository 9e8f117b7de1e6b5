"""Every write of the credit app (C1–C6). Other apps call these, never the models."""

from credit.models import CreditEvent
from credit.services.appeals import decide_appeal, submit_appeal
from credit.services.events import CONCLUSION_EFFECTS, record_credit_event, reverse_credit_event
from credit.services.grades import (
    assign_evaluation,
    award_grade,
    enter_scores,
    grade_model_in_force,
    open_evaluation_round,
    publish_grade_model,
)
from credit.services.honours import decide_nomination, nominate
from credit.services.lists import (
    apply_list_rules,
    enter_list,
    record_missing_annual_report,
    remove_from_list,
    why_not_remove,
)
from credit.services.stars import THRESHOLDS as STAR_THRESHOLDS
from credit.services.stars import publish_star_model, recompute_star_ratings
from credit.services.voice import decide_complaint, file_complaint, rate_service

EventKind = CreditEvent.Kind  # for the apps that record events

__all__ = [
    "CONCLUSION_EFFECTS",
    "STAR_THRESHOLDS",
    "EventKind",
    "apply_list_rules",
    "assign_evaluation",
    "award_grade",
    "decide_appeal",
    "decide_complaint",
    "decide_nomination",
    "enter_list",
    "enter_scores",
    "file_complaint",
    "grade_model_in_force",
    "nominate",
    "open_evaluation_round",
    "publish_grade_model",
    "publish_star_model",
    "rate_service",
    "recompute_star_ratings",
    "record_credit_event",
    "record_missing_annual_report",
    "remove_from_list",
    "reverse_credit_event",
    "submit_appeal",
    "why_not_remove",
]
