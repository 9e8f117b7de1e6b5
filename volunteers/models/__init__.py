"""Volunteers app models, split by concept: people and teams, activities and hours."""

from volunteers.models.activities import Activity, CheckinCode, Signup
from volunteers.models.people import DutyKind, Membership, Team, Volunteer

__all__ = ["Activity", "CheckinCode", "DutyKind", "Membership", "Signup", "Team", "Volunteer"]
