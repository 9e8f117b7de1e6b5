from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    """Volunteers, teams, activities and training (V1–V5); filled by its own issue."""

    name = "volunteers"
    verbose_name = _("Volunteers and training")
    default_auto_field = "django.db.models.BigAutoField"
