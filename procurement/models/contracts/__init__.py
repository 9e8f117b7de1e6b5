"""Contracts of purchase projects (P8): yearly periods (at most three, 跨年度连续购买),
installments with milestones and milestone reports, and subcontractors.

Money moves only through `procurement.services.funds`: a period's amount is committed
at signing (period 1) or when the next year opens (after the previous year's
evaluation passed); installments are paid from that commitment.

Split by concept: `contract`, `years`, `reports`; this package re-exports
what callers import."""

from procurement.models.contracts.contract import (  # noqa: F401
    NAME_MAX,
    PASSING_GRADES,
    TEXT_MAX,
    Contract,
    EvaluationGrade,
)
from procurement.models.contracts.reports import (  # noqa: F401
    MilestoneReport,
    Subcontractor,
    milestone_report_path,
)
from procurement.models.contracts.years import (  # noqa: F401
    ContractPeriod,
    Installment,
)
