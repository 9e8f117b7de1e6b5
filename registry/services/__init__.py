"""Registry writes (R1–R9): each is one transaction that locks, checks the rule, moves the
state and records the transition; follow-ups are enqueued after commit. One module per
concept; every public service is re-exported here (`registry.services.<name>`)."""

from registry.services.agency import correct_agency_record, record_agency_service
from registry.services.certification import (
    apply_for_certification,
    decide_certification,
    why_not_apply_for_certification,
)
from registry.services.exit import (
    complete_deregistration,
    dispose_liquidation_asset,
    open_deregistration,
    record_liquidation_asset,
    start_liquidation,
)
from registry.services.filing import (
    file_filing,
    next_filing_number,
    refuse_filing,
    resubmit_filing,
    review_filing,
    submit_filing,
    why_not_resubmit_filing,
)
from registry.services.inspection import (
    conclude_annual_report,
    flag_missing_annual_reports,
    hold_interview,
    record_interview_outcome,
    submit_annual_report,
)
from registry.services.organizations import (
    change_organization_status,
    check_uscc,
    enter_organization,
    update_organization,
)
from registry.services.registration import (
    accept_registration,
    approve_registration,
    attach_registration_document,
    create_registration,
    registration_deadline_alerts,
    reject_registration,
    return_registration,
    submit_registration,
    update_registration,
    why_not_update_registration,
)

__all__ = [
    "accept_registration",
    "apply_for_certification",
    "approve_registration",
    "attach_registration_document",
    "change_organization_status",
    "check_uscc",
    "complete_deregistration",
    "conclude_annual_report",
    "correct_agency_record",
    "create_registration",
    "decide_certification",
    "dispose_liquidation_asset",
    "enter_organization",
    "file_filing",
    "flag_missing_annual_reports",
    "hold_interview",
    "next_filing_number",
    "open_deregistration",
    "record_agency_service",
    "record_interview_outcome",
    "record_liquidation_asset",
    "refuse_filing",
    "registration_deadline_alerts",
    "reject_registration",
    "resubmit_filing",
    "return_registration",
    "review_filing",
    "start_liquidation",
    "submit_annual_report",
    "submit_filing",
    "submit_registration",
    "update_organization",
    "update_registration",
    "why_not_apply_for_certification",
    "why_not_resubmit_filing",
    "why_not_update_registration",
]
