"""Registry API bodies, one module per concept; named input and output serializers."""

from registry.serializers.agency import AgencyRecordInputSerializer, AgencyRecordSerializer
from registry.serializers.certification import CertificationInputSerializer, CertificationSerializer
from registry.serializers.common import NoteSerializer, OrganizationIdField, ReasonSerializer
from registry.serializers.exit import (
    DeregistrationInputSerializer,
    DeregistrationSerializer,
    DisposalSerializer,
    LiquidationAssetSerializer,
)
from registry.serializers.filing import FilingInputSerializer, FilingSerializer
from registry.serializers.inspection import (
    AnnualReportInputSerializer,
    AnnualReportSerializer,
    ConclusionSerializer,
    InterviewInputSerializer,
    InterviewOutcomeSerializer,
    InterviewSerializer,
)
from registry.serializers.organizations import (
    CoverageSerializer,
    OrganizationDetailSerializer,
    OrganizationListSerializer,
)
from registry.serializers.registration import (
    ApproveSerializer,
    DocumentInputSerializer,
    DocumentSerializer,
    RegistrationInputSerializer,
    RegistrationQueueSerializer,
    RegistrationSerializer,
    RegistrationUpdateSerializer,
    ReturnSerializer,
)

__all__ = [
    "AgencyRecordInputSerializer",
    "AgencyRecordSerializer",
    "AnnualReportInputSerializer",
    "AnnualReportSerializer",
    "ApproveSerializer",
    "CertificationInputSerializer",
    "CertificationSerializer",
    "ConclusionSerializer",
    "CoverageSerializer",
    "DeregistrationInputSerializer",
    "DeregistrationSerializer",
    "DisposalSerializer",
    "DocumentInputSerializer",
    "DocumentSerializer",
    "FilingInputSerializer",
    "FilingSerializer",
    "InterviewInputSerializer",
    "InterviewOutcomeSerializer",
    "InterviewSerializer",
    "LiquidationAssetSerializer",
    "NoteSerializer",
    "OrganizationDetailSerializer",
    "OrganizationIdField",
    "OrganizationListSerializer",
    "ReasonSerializer",
    "RegistrationInputSerializer",
    "RegistrationQueueSerializer",
    "RegistrationSerializer",
    "RegistrationUpdateSerializer",
    "ReturnSerializer",
]
