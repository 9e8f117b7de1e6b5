"""Needs, topics and lists, offers, matching and whistle calls (P1–P5); funds and the
foundation (P6, P7); purchase projects and contracts (P8)."""

from procurement.models.contracts import (
    PASSING_GRADES,
    Contract,
    ContractPeriod,
    EvaluationGrade,
    Installment,
    MilestoneReport,
    Subcontractor,
)
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
from procurement.models.projects import (
    ApplicationScore,
    Award,
    ConflictDeclaration,
    ProjectApplication,
    PurchaseProject,
    ReviewerAssignment,
)
from procurement.models.supervision import (
    CorrectiveAction,
    Evaluation,
    SpotCheck,
    SpotCheckItem,
    SupervisionVisit,
    SurveyResponse,
)
from procurement.models.topics import NeedsList, NeedsListEntry, PurchaseItem, Topic
from procurement.models.whistle import WhistleCall, WhistleResponse

__all__ = [
    "PASSING_GRADES",
    "ApplicationScore",
    "Award",
    "Budget",
    "CategoryDeadline",
    "ConflictDeclaration",
    "Contract",
    "ContractPeriod",
    "CorrectiveAction",
    "Disbursement",
    "Donation",
    "Evaluation",
    "EvaluationGrade",
    "FoundationFund",
    "FundingSource",
    "Installment",
    "Match",
    "MilestoneReport",
    "Need",
    "NeedImport",
    "NeedImportError",
    "NeedPhoto",
    "NeedsList",
    "NeedsListEntry",
    "Offer",
    "ProjectApplication",
    "PurchaseItem",
    "PurchaseProject",
    "ReceiptCounter",
    "ReviewerAssignment",
    "SpotCheck",
    "SpotCheckItem",
    "Subcontractor",
    "SupervisionVisit",
    "SurveyResponse",
    "Topic",
    "WhistleCall",
    "WhistleResponse",
]
