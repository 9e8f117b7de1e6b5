"""Credit record, lists, grades, star ratings, public voice and honours (C1–C6)."""

from credit.models.appeals import Appeal
from credit.models.events import CreditEvent
from credit.models.grades import Evaluation, EvaluationRound, GradeModel
from credit.models.honours import Nomination
from credit.models.lists import ListEntry
from credit.models.settings import CreditSettings
from credit.models.stars import StarModel, StarRating
from credit.models.voice import Complaint, ServiceReview

__all__ = [
    "Appeal",
    "Complaint",
    "CreditEvent",
    "CreditSettings",
    "Evaluation",
    "EvaluationRound",
    "GradeModel",
    "ListEntry",
    "Nomination",
    "ServiceReview",
    "StarModel",
    "StarRating",
]
