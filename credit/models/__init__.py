"""Credit record, lists and star ratings (C1–C3)."""

from credit.models.appeals import Appeal
from credit.models.events import CreditEvent
from credit.models.lists import ListEntry
from credit.models.stars import StarModel, StarRating

__all__ = ["Appeal", "CreditEvent", "ListEntry", "StarModel", "StarRating"]
