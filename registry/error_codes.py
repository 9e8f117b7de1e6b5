"""The codes registry refusals carry (`WorkflowError.code`, `Forbidden.code`): one list, so
clients can switch on them and two spellings of one refusal cannot drift apart."""

import enum


class ErrorCode(enum.StrEnum):
    ALREADY_APPLIED = "already_applied"
    ALREADY_CONCLUDED = "already_concluded"
    ALREADY_DISPOSED = "already_disposed"
    ALREADY_OPEN = "already_open"
    ALREADY_SUBMITTED = "already_submitted"
    INVENTORY_INCOMPLETE = "inventory_incomplete"
    MISSING_ITEMS_REQUIRED = "missing_items_required"
    NO_OPEN_BATCH = "no_open_batch"
    NOT_A_SOCIAL_ENTERPRISE = "not_a_social_enterprise"
    NOT_EDITABLE = "not_editable"
    NOT_LIQUIDATING = "not_liquidating"
    ORGANIZATION_CLOSED = "organization_closed"
    # Same spelling as procurement's refusal for the same condition.
    ORGANIZATION_INACTIVE = "organization_inactive"
    PERMISSION_DENIED = "permission_denied"
    SURVIVING_ORGANIZATION_REQUIRED = "surviving_organization_required"
    USCC_TAKEN = "uscc_taken"
