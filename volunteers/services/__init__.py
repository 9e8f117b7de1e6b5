"""Every write of the volunteers app (verb-first, keyword-only)."""

from volunteers.services.activities import (
    cancel_signup,
    check_in,
    check_out,
    confirm_hours,
    copy_activity,
    issue_checkin_code,
    publish_activity,
    sign_up,
    why_not_copy,
)
from volunteers.services.people import (
    appoint_leader,
    create_team,
    ensure_community_teams,
    id_number_digest,
    join_team,
    leave_team,
    register_volunteer,
)

__all__ = [
    "appoint_leader",
    "cancel_signup",
    "check_in",
    "check_out",
    "confirm_hours",
    "copy_activity",
    "create_team",
    "ensure_community_teams",
    "id_number_digest",
    "issue_checkin_code",
    "join_team",
    "leave_team",
    "publish_activity",
    "register_volunteer",
    "sign_up",
    "why_not_copy",
]
