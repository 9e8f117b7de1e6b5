"""Contracts of purchase projects (P8): drafting with yearly periods and installments,
signing (the organization, then the purchaser, whose countersignature commits the first
year's amount in the ledger), milestone reports, payment of installments, the next
year of a continuous purchase, subcontractors.

Money moves only through `procurement.services.funds` (`commit_budget`,
`pay_from_budget`), each movement caused by the period or installment, in the same
transaction as the state it changes.

Split by concept: `drafting`, `service`, `release`, `subcontractors`; this package re-exports
what callers import."""

from procurement.services.contracts.drafting import (  # noqa: F401
    CENT,
    CFLOW,
    DEFAULT_SCHEDULE,
    IFLOW,
    PFLOW,
    PROJECT_FLOW,
    RFLOW,
    SERVICES,
    PeriodPlan,
    countersign,
    draft_contract,
    sign_as_organization,
    split,
    start_service,
)
from procurement.services.contracts.release import (  # noqa: F401
    paid_refusal,
    release_on_cancel,
)
from procurement.services.contracts.service import (  # noqa: F401
    accept_milestone_report,
    open_next_period,
    pay_installment,
    return_milestone_report,
    submit_milestone_report,
)
from procurement.services.contracts.subcontractors import (  # noqa: F401
    add_subcontractor,
)
