from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry (registration and filing)")
    default_auto_field = "django.db.models.BigAutoField"
    portal_links = [
        {
            "url_name": "registry:directory",
            "title": _("Directory of social organizations"),
            "description": _(
                "Search registered and filed organizations by name, street, "
                "category or credit code."
            ),
        },
        {
            "url_name": "registry:apply",
            "title": _("Register an organization"),
            "description": _(
                "Direct registration online; the decision comes within 10 "
                "working days of acceptance."
            ),
        },
        {
            "url_name": "registry:file",
            "title": _("File a community group"),
            "description": _(
                "Community groups below the registration bar file with their "
                "community and street federation."
            ),
        },
        {
            "url_name": "registry:portal",
            "title": _("My applications and organizations"),
            "description": _("Follow applications and filings, submit the annual report."),
        },
    ]
