from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    """Volunteers, teams, activities and verified hours (V1–V2; V3–V5 to come)."""

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
    ]
