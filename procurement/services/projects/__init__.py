"""Purchase projects (P8): create (from purchase-service items or directly), pre-review by
the assigned third-party evaluator, open for applications with a deadline in working
days, applications (joint ones co-signed by the street federation), reviewers with
conflict-of-interest declarations and scores per criterion, award with a reason,
cancel with a reason.

Who may apply is decided here, by `eligibility_problems`, and nowhere else.

Split by concept: `eligibility`, `lifecycle`, `applications`, `review`; this package re-exports
what callers import."""

from procurement.services.projects.applications import (  # noqa: F401
    apply,
    close_applications,
    withdraw_application,
)
from procurement.services.projects.eligibility import (  # noqa: F401
    APP_FLOW,
    FLOW,
    MAX_APPLICATION_DAYS,
    Org,
    eligibility_many,
    eligibility_of,
    eligibility_problems,
    street_of,
)
from procurement.services.projects.lifecycle import (  # noqa: F401
    EDITABLE,
    PRE_REVIEW_DECISIONS,
    assign_evaluator,
    cancel_project,
    create_project,
    create_project_from_items,
    open_for_applications,
    pre_review,
    submit_for_review,
    update_project,
    why_not_cancel,
)
from procurement.services.projects.review import (  # noqa: F401
    assign_reviewer,
    award,
    declare_conflict,
    score_application,
    totals,
)
