from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Credit ledger, lists, ratings and disclosure (C1–C7); filled by its own issue."""

    name = "credit"
    verbose_name = _("Credit and rating")
    default_auto_field = "django.db.models.BigAutoField"
