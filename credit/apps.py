from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Credit record, lists, star ratings and disclosure (C1–C4, C7)."""

    name = "credit"
    verbose_name = _("Credit and rating")
    default_auto_field = "django.db.models.BigAutoField"
    portal_links = [
        {
            "url_name": "credit:lists",
            "title": _("Public credit lists"),
            "description": _(
                "The activity-anomaly and serious-dishonesty lists of social "
                "organizations, searchable and downloadable."
            ),
        },
    ]
