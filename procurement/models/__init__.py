"""Needs, topics and lists, offers, matching and whistle calls (P1–P5); funds and the
foundation (P6, P7)."""

from procurement.models.foundation import (
    Disbursement,
    Donation,
    FoundationFund,
    ReceiptCounter,
)
from procurement.models.funds import Budget, FundingSource
from procurement.models.imports import NeedImport, NeedImportError
from procurement.models.matching import Match
from procurement.models.needs import CategoryDeadline, Need, NeedPhoto
from procurement.models.offers import Offer
from procurement.models.topics import NeedsList, NeedsListEntry, PurchaseItem, Topic
from procurement.models.whistle import WhistleCall, WhistleResponse

__all__ = [
    "Budget",
    "CategoryDeadline",
    "Disbursement",
    "Donation",
    "FoundationFund",
    "FundingSource",
    "Match",
    "Need",
    "NeedImport",
    "NeedImportError",
    "NeedPhoto",
    "NeedsList",
    "NeedsListEntry",
    "Offer",
    "PurchaseItem",
    "ReceiptCounter",
    "Topic",
    "WhistleCall",
    "WhistleResponse",
]
