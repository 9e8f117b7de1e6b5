from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    """Volunteers and teams, activities and verified hours, practice projects, the volunteer
    fund and the training college (V1–V5)."""

    name = "volunteers"
    verbose_name = _("Volunteers and training")
    default_auto_field = "django.db.models.BigAutoField"
    portal_links = [
        {
            "url_name": "volunteers:activities",
            "title": _("Volunteer activities"),
            "description": _("Activities near your community: sign up, check in, see your hours."),
        },
        {
            "url_name": "volunteers:my-hours",
            "title": _("My service hours and certificate"),
            "description": _("Verified hours confirmed by organizers; a printable certificate."),
        },
        {
            "url_name": "volunteers:projects",
            "title": _("Civilization practice project library"),
            "description": _("Brand projects reviewed into the library, by theme."),
        },
        {
            "url_name": "volunteers:fund",
            "title": _("Volunteer Huitian special fund"),
            "description": _("What the fund holds and the grants it made to volunteer teams."),
        },
        {
            "url_name": "volunteers:courses",
            "title": _("Huitian Social Innovation College"),
            "description": _("Courses, enrolment and your continuing-education hours."),
        },
    ]
