"""Organizations and their registration, filing and supervision (R1–R9)."""

from registry.models.agency import AgencyRecord
from registry.models.certification import Certification, CertificationBatch
from registry.models.exit import Deregistration, LiquidationAsset
from registry.models.filing import Filing
from registry.models.inspection import AnnualReport, InspectionYear, Interview
from registry.models.organizations import Organization
from registry.models.registration import RegistrationApplication, RegistrationDocument

__all__ = [
    "AgencyRecord",
    "AnnualReport",
    "Certification",
    "CertificationBatch",
    "Deregistration",
    "Filing",
    "InspectionYear",
    "Interview",
    "LiquidationAsset",
    "Organization",
    "RegistrationApplication",
    "RegistrationDocument",
]
