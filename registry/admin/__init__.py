"""Staff screens: review queues scoped to the clerk's area; every add, change and action
writes through a service. One module per concept; importing this package registers them."""

from registry.admin.agency import AgencyRecordAdmin
from registry.admin.certification import CertificationAdmin, CertificationBatchAdmin
from registry.admin.exit import DeregistrationAdmin
from registry.admin.filing import FilingAdmin
from registry.admin.inspection import AnnualReportAdmin, InspectionYearAdmin, InterviewAdmin
from registry.admin.organizations import OrganizationAdmin
from registry.admin.registration import RegistrationApplicationAdmin

__all__ = [
    "AgencyRecordAdmin",
    "AnnualReportAdmin",
    "CertificationAdmin",
    "CertificationBatchAdmin",
    "DeregistrationAdmin",
    "FilingAdmin",
    "InspectionYearAdmin",
    "InterviewAdmin",
    "OrganizationAdmin",
    "RegistrationApplicationAdmin",
]
