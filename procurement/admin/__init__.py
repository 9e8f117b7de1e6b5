"""Staff screens of procurement, one module per concept (each registers its admins).

needs (the queue, lifecycle steps, deadlines) · lists (topics, needs lists,
purchase-service items) · offers (offers and matches) · whistle (whistle calls)
· imports (12345 hotline imports) · funds (sources, budgets, the report)
· foundation (community funds, donations, disbursements) · projects (purchase
projects, applications with eligibility, review, awards) · contracts (periods,
installments, milestone reports, subcontractors) · supervision (visits, corrective
actions, survey answers, evaluations, spot checks). Every add and change
goes through a service (`create_with_service` / `change_with_service`); fields
only a workflow step sets are read-only.
"""

from procurement.admin import (  # noqa: F401
    contracts,
    foundation,
    funds,
    imports,
    lists,
    needs,
    offers,
    projects,
    supervision,
    whistle,
)
