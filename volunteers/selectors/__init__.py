"""Reads of the volunteers app, always through the scoping door; by concept: activities
and hours (V1, V2), the project library (V3), the fund (V4) and training (V5)."""

from volunteers.selectors.activities import (
    activities_for,
    filter_activities,
    memberships_of,
    roster,
    service_record,
    spread_of,
    teams_for,
    top_teams_by_hours,
    verified_hours,
    verified_service,
    volunteer_of,
    with_places,
)
from volunteers.selectors.fund import fund_figures, public_grants
from volunteers.selectors.projects import project_library, projects_for
from volunteers.selectors.training import (
    REPORT_COLUMNS,
    courses_for,
    training_hours,
    training_report,
    training_row,
)

__all__ = [
    "REPORT_COLUMNS",
    "activities_for",
    "courses_for",
    "filter_activities",
    "fund_figures",
    "memberships_of",
    "project_library",
    "projects_for",
    "public_grants",
    "roster",
    "service_record",
    "spread_of",
    "teams_for",
    "top_teams_by_hours",
    "training_hours",
    "training_report",
    "training_row",
    "verified_hours",
    "verified_service",
    "volunteer_of",
    "with_places",
]
