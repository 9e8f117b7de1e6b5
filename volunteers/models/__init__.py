"""Volunteers app models, split by concept: people and teams, activities and hours,
civilization practice projects, the volunteer fund, and the training college."""

from volunteers.models.activities import Activity, CheckinCode, Signup
from volunteers.models.fund import Grant
from volunteers.models.people import DutyKind, Membership, Team, Volunteer
from volunteers.models.projects import PracticeProject, PracticeSite, ProjectPick, ProjectTheme
from volunteers.models.training import (
    Audience,
    Course,
    Enrolment,
    ExamResult,
    Placement,
    PracticeBase,
    TrainingRequirement,
)

__all__ = [
    "Activity",
    "Audience",
    "CheckinCode",
    "Course",
    "DutyKind",
    "Enrolment",
    "ExamResult",
    "Grant",
    "Membership",
    "Placement",
    "PracticeBase",
    "PracticeProject",
    "PracticeSite",
    "ProjectPick",
    "ProjectTheme",
    "Signup",
    "Team",
    "TrainingRequirement",
    "Volunteer",
]
