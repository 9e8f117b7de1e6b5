"""Procurement API, one module per concept: needs, topics and lists, offers, whistle
calls, funds and the foundation, purchase projects and contracts.

Thin views: parse with a named input serializer, call one service or selector, render
with a named output serializer. Refusals come from services (WorkflowError → 409,
Forbidden → 403, ValidationError → 400) and the scoping door (404 for records outside
the caller's reach and for ids that are not ids).
"""

from procurement.api.contracts import (
    ContractViewSet,
    InstallmentViewSet,
    MilestoneReportViewSet,
)
from procurement.api.foundation import (
    DisbursementViewSet,
    DonationViewSet,
    FoundationFundViewSet,
    PublicFundViewSet,
)
from procurement.api.funds import BudgetViewSet, FundingSourceViewSet
from procurement.api.needs import NeedViewSet
from procurement.api.offers import OfferViewSet
from procurement.api.projects import ApplicationViewSet, ProjectViewSet
from procurement.api.topics import NeedsListViewSet, PublishedListViewSet, TopicViewSet
from procurement.api.whistle import WhistleCallViewSet

__all__ = [
    "ApplicationViewSet",
    "BudgetViewSet",
    "ContractViewSet",
    "DisbursementViewSet",
    "DonationViewSet",
    "FoundationFundViewSet",
    "FundingSourceViewSet",
    "InstallmentViewSet",
    "MilestoneReportViewSet",
    "NeedViewSet",
    "NeedsListViewSet",
    "OfferViewSet",
    "ProjectViewSet",
    "PublicFundViewSet",
    "PublishedListViewSet",
    "TopicViewSet",
    "WhistleCallViewSet",
]
