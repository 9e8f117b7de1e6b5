"""Error codes of the credit app (the `code` of the API's error shape)."""

import enum


class ErrorCode(enum.StrEnum):
    ALREADY_REVERSED = "already_reversed"
    CANNOT_REVERSE_REVERSAL = "cannot_reverse_reversal"
    ALREADY_LISTED = "already_listed"
    WRONG_CAUSE = "wrong_cause"
    PERIOD_NOT_OVER = "period_not_over"
    OBLIGATION_OPEN = "obligation_open"
    NOT_A_COMMUNITY_ORGANIZATION = "not_a_community_organization"
    ALREADY_APPEALED = "already_appealed"
    GRADE_NOT_AWARDED = "grade_not_awarded"
    ALREADY_IN_ROUND = "already_in_round"
    ALREADY_RATED = "already_rated"
    NOT_TAKEN_PART = "not_taken_part"
    ALREADY_NOMINATED = "already_nominated"
    CREDIT_LISTED = "credit_listed"
