"""Government purchase-of-services projects (P8): from purchase-service items (or created
directly by a purchaser) through pre-review, applications, review and award.

The project's money is its `budget` (one source's budget for an area and year):
contracts commit and pay from it through `procurement.services.funds`. Who may apply
is decided by `procurement.services.projects.eligibility_problems`, never by a form.

Split by concept: `project`, `applications`, `review`; this package re-exports
what callers import."""

from procurement.models.projects.applications import (  # noqa: F401
    ProjectApplication,
)
from procurement.models.projects.project import (  # noqa: F401
    MAX_CONTRACT_YEARS,
    NAME_MAX,
    OPINION_MAX,
    PROPOSAL_MAX,
    REASON_MAX,
    TITLE_MAX,
    PurchaseProject,
    major_project_threshold,
)
from procurement.models.projects.review import (  # noqa: F401
    ApplicationScore,
    Award,
    ConflictDeclaration,
    ReviewerAssignment,
)
