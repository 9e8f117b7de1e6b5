from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Needs, supply and purchases")
    default_auto_field = "django.db.models.BigAutoField"
    portal_links = [
        {
            "url_name": "procurement:need-new",
            "title": _("Report a need"),
            "description": _("Tell the community what you need; follow it with a tracking code."),
        },
        {
            "url_name": "procurement:needs-list",
            "title": _("Needs list"),
            "description": _("What residents asked for most, published every period."),
        },
        {
            "url_name": "procurement:need-track-lookup",
            "title": _("Follow a need"),
            "description": _("Enter your tracking code to see where your need stands."),
        },
        {
            "url_name": "procurement:offers",
            "title": _("Supply list"),
            "description": _("Services that social organizations offer in Huitian."),
        },
        {
            "url_name": "procurement:foundation",
            "title": _("Huitian Community Foundation"),
            "description": _("Each community's fund: every donation and every use, in public."),
        },
    ]
