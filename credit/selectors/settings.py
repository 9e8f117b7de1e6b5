"""The credit settings row (list-rule periods, public-voice thresholds, purchase priority)."""

from credit.models import CreditSettings


def credit_settings() -> CreditSettings:
    """The one settings row (created with its defaults if a test database lost it)."""
    row = CreditSettings.objects.order_by("pk").first()
    return row if row is not None else CreditSettings.objects.create()
