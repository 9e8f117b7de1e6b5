"""Registry API: the directory, applications and filings, annual reports, certification,
agency services, interviews and deregistration — one module per concept.

Thin views: parse with a named input serializer, call one service or selector, render
(`huitian.api.actions.ScopedActionsMixin`). Refusals come from services (WorkflowError →
409, Forbidden → 403) and the scoping door (404 for records outside the caller's reach).
"""

from registry.api.agency import AgencyRecordViewSet
from registry.api.certification import CertificationViewSet
from registry.api.exit import DeregistrationViewSet
from registry.api.filing import FilingViewSet
from registry.api.inspection import AnnualReportViewSet, InterviewViewSet
from registry.api.organizations import OrganizationFilter, OrganizationViewSet
from registry.api.registration import RegistrationViewSet

__all__ = [
    "AgencyRecordViewSet",
    "AnnualReportViewSet",
    "CertificationViewSet",
    "DeregistrationViewSet",
    "FilingViewSet",
    "InterviewViewSet",
    "OrganizationFilter",
    "OrganizationViewSet",
    "RegistrationViewSet",
]
