"""Activities and verified hours (V2), by concept: publishing (and the organizer's
changes), sign-ups with a waitlist, attendance (check-in/out, confirmed hours) and
templates (复制推广). Import from here; the modules are how it is kept, not an API."""

from volunteers.services.activities.attendance import (
    CHECKIN_OPENS_BEFORE,
    CODE_LIFETIME,
    check_in,
    check_out,
    confirm_hours,
    issue_checkin_code,
    served_hours,
)
from volunteers.services.activities.publishing import (
    EDITABLE,
    cancel_activity,
    edit_activity,
    publish_activity,
)
from volunteers.services.activities.signups import (
    LIVE,
    age_on,
    cancel_signup,
    sign_up,
    why_not_sign_up,
)
from volunteers.services.activities.templates import copy_activity, why_not_copy

__all__ = [
    "CHECKIN_OPENS_BEFORE",
    "CODE_LIFETIME",
    "EDITABLE",
    "LIVE",
    "age_on",
    "cancel_activity",
    "cancel_signup",
    "check_in",
    "check_out",
    "confirm_hours",
    "copy_activity",
    "edit_activity",
    "issue_checkin_code",
    "publish_activity",
    "served_hours",
    "sign_up",
    "why_not_copy",
    "why_not_sign_up",
]
