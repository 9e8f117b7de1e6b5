from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Credit record, lists, grades and stars, disclosure, public voice, honours (C1–C7)."""

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
        {
            "url_name": "credit:honours",
            "title": _("Roll of honours"),
            "description": _(
                "Excellent social organizations and communities, governance pioneers and "
                "brand service projects, year by year."
            ),
        },
        {
            "url_name": "credit:voice",
            "title": _("Rate a service"),
            "description": _(
                "Rate or complain about an organization that handled your need or ran an "
                "activity you took part in."
            ),
        },
    ]
