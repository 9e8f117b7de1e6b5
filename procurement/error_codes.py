"""Every code procurement's refusals carry (`WorkflowError.code`, `Forbidden.code`).

The API returns them in the one error shape `{"code", "detail", "fields"}`; apps
branch on them, so they are an enum, not free strings that drift.
"""

import enum


class ErrorCode(enum.StrEnum):
    # Kernel codes procurement's services also raise (move(), require()).
    ILLEGAL_TRANSITION = "illegal_transition"
    CONCURRENT_CHANGE = "concurrent_change"
    PERMISSION_DENIED = "permission_denied"
    # Needs (services/needs.py)
    REASON_REQUIRED = "reason_required"
    ASSIGNEE_REQUIRED = "assignee_required"
    ASSIGNEE_OUTSIDE = "assignee_outside"
    ORGANIZATION_INACTIVE = "organization_inactive"
    REOPEN_WINDOW_PASSED = "reopen_window_passed"
    STAFF_ONLY = "staff_only"
    NEED_ALREADY_LINKED = "need_already_linked"
    NOT_IN_TRIAGE = "not_in_triage"
    # Matching (services/matching.py)
    TOPIC_MERGED = "topic_merged"
    NOT_A_CANDIDATE = "not_a_candidate"
    OFFER_UNAVAILABLE = "offer_unavailable"
    ALREADY_MATCHED = "already_matched"
    # Topics and lists (services/lists.py)
    NOTHING_TO_MERGE = "nothing_to_merge"
    CATEGORY_MISMATCH = "category_mismatch"
    AREA_MISMATCH = "area_mismatch"
    BAD_SPLIT = "bad_split"
    ALREADY_PUBLISHED = "already_published"
    NOT_COMPILED = "not_compiled"
    ALREADY_PROMOTED = "already_promoted"
    INVALID_BUDGET = "invalid_budget"
    # Offers (services/offers.py)
    NOT_ACTIVE = "not_active"
    # Whistle calls (services/whistle.py)
    COMMUNITY_OUTSIDE = "community_outside"
    CALL_CLOSED = "call_closed"
    ALREADY_RESPONDED = "already_responded"
    NO_RESPONDERS = "no_responders"
    NOT_SELECTED = "not_selected"
    # Funds and budgets (services/funds.py); the ledger's own codes pass through.
    INSUFFICIENT_FUNDS = "insufficient_funds"
    PLAN_TOTAL_EXCEEDED = "plan_total_exceeded"
    NOT_A_STREET = "not_a_street"
    SOURCE_INACTIVE = "source_inactive"
    # Foundation (services/foundation.py)
    NOT_A_COMMUNITY = "not_a_community"
    FUND_CLOSED = "fund_closed"
    # Purchase projects (services/projects.py)
    EVALUATOR_REQUIRED = "evaluator_required"
    NOT_AN_EVALUATOR = "not_an_evaluator"
    NOT_THE_EVALUATOR = "not_the_evaluator"
    PROJECT_NOT_OPEN = "project_not_open"
    DEADLINE_PASSED = "deadline_passed"
    DEADLINE_NOT_PASSED = "deadline_not_passed"
    INELIGIBLE = "ineligible"
    ALREADY_APPLIED = "already_applied"
    QUOTE_OVER_BUDGET = "quote_over_budget"
    NOT_A_REVIEWER = "not_a_reviewer"
    DECLARATION_REQUIRED = "declaration_required"
    CONFLICT_OF_INTEREST = "conflict_of_interest"
    WRONG_PROJECT = "wrong_project"
    # Contracts (services/contracts.py)
    PERCENTS_NOT_100 = "percents_not_100"
    TOO_MANY_YEARS = "too_many_years"
    OVER_PROJECT_BUDGET = "over_project_budget"
    NO_SUBCONTRACTING_DECLARATION = "no_subcontracting_declaration"
    CORE_SERVICE_SUBCONTRACT = "core_service_subcontract"
    CONTRACT_NOT_IN_SERVICE = "contract_not_in_service"
    REPORT_PENDING = "report_pending"
    MILESTONE_NOT_ACCEPTED = "milestone_not_accepted"
    EVALUATION_REQUIRED = "evaluation_required"
    EVALUATION_NOT_PASSED = "evaluation_not_passed"
    NO_NEXT_PERIOD = "no_next_period"
    NO_BUDGET = "no_budget"
    ALREADY_PAID = "already_paid"
    CONTRACT_EXISTS = "contract_exists"
    # Supervision and evaluation (services/evaluation.py, services/spot_checks.py)
    NOT_IN_SERVICE = "not_in_service"
    SUPERVISION_REQUIRED = "supervision_required"
    CORRECTIVE_ACTION_OPEN = "corrective_action_open"
    NO_SURVEY_RESPONSES = "no_survey_responses"
    ALREADY_EVALUATED = "already_evaluated"
    NOT_EVALUATED = "not_evaluated"
    EARLIER_INSTALLMENTS_UNPAID = "earlier_installments_unpaid"
    FINAL_INSTALLMENT_UNPAID = "final_installment_unpaid"
    NO_FINAL_INSTALLMENT = "no_final_installment"
    NOTHING_TO_DRAW = "nothing_to_draw"
    SPOT_CHECK_EXISTS = "spot_check_exists"
