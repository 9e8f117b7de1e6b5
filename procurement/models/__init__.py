"""Needs, topics and lists, offers, matching and whistle calls (P1–P5)."""

from procurement.models.imports import NeedImport, NeedImportError
from procurement.models.matching import Match
from procurement.models.needs import CategoryDeadline, Need, NeedPhoto
from procurement.models.offers import Offer
from procurement.models.topics import NeedsList, NeedsListEntry, PurchaseItem, Topic
from procurement.models.whistle import WhistleCall, WhistleResponse

__all__ = [
    "CategoryDeadline",
    "Match",
    "Need",
    "NeedImport",
    "NeedImportError",
    "NeedPhoto",
    "NeedsList",
    "NeedsListEntry",
    "Offer",
    "PurchaseItem",
    "Topic",
    "WhistleCall",
    "WhistleResponse",
]
