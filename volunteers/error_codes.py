"""Every code the volunteers app's refusals carry (`WorkflowError.code`, `Forbidden.code`)."""

import enum


class ErrorCode(enum.StrEnum):
    PERMISSION_DENIED = "permission_denied"
    # Volunteers and teams
    ALREADY_REGISTERED = "already_registered"
    ID_NUMBER_TAKEN = "id_number_taken"
    NOT_A_VOLUNTEER = "not_a_volunteer"
    ALREADY_MEMBER = "already_member"
    NOT_A_MEMBER = "not_a_member"
    # Activities and sign-ups
    ACTIVITY_CLOSED = "activity_closed"
    ALREADY_SIGNED_UP = "already_signed_up"
    OVERLAPPING_ACTIVITY = "overlapping_activity"
    TOO_YOUNG = "too_young"
    NOT_SIGNED_UP = "not_signed_up"
    NOT_CHECKED_IN = "not_checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"
    ALREADY_CHECKED_OUT = "already_checked_out"
    CHECKIN_NOT_OPEN = "checkin_not_open"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"
    CODE_USED = "code_used"
    HOURS_BEYOND_SPAN = "hours_beyond_span"
    HOURS_ALREADY_CONFIRMED = "hours_already_confirmed"
    NOT_SUCCESSFUL = "not_successful"
    ACTIVITY_STARTED = "activity_started"
    ACTIVITY_CANCELLED = "activity_cancelled"
    PLACES_BELOW_TAKEN = "places_below_taken"
    # Practice projects
    NOT_IN_LIBRARY = "not_in_library"
    ALREADY_PICKED = "already_picked"
    # Volunteer fund
    BEYOND_FUND = "beyond_fund"
    # Training
    COURSE_CLOSED = "course_closed"
    ALREADY_ENROLLED = "already_enrolled"
    COURSE_FULL = "course_full"
    NOT_ENROLLED = "not_enrolled"
    ATTENDANCE_TOO_EARLY = "attendance_too_early"
    ALREADY_ATTENDED = "already_attended"
    NOT_EXAM_PREP = "not_exam_prep"
    RESULT_RECORDED = "result_recorded"
    BASE_FULL = "base_full"
