"""The credit settings (one row): district staff edit the list-rule periods, the
public-voice thresholds and the purchase priority; every change is kept in history."""

from django.contrib import admin

from credit.models import CreditSettings
from huitian.admin_base import ReferenceDataAdmin


@admin.register(CreditSettings)
class CreditSettingsAdmin(ReferenceDataAdmin):
    manage_permission = "credit.edit_settings"
    list_display = [
        "__str__",
        "anomaly_to_dishonesty_years",
        "dishonesty_min_years",
        "auto_removal_months",
        "complaint_spike_count",
        "complaint_spike_days",
        "purchase_priority_points",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CreditSettings.objects.exists()
