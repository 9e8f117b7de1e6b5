from django.contrib import admin

from huitian.admin_base import ScopedAdmin, TransitionInline
from registry.models import Organization


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    list_display = ["name", "uscc", "legal_form", "registration_level", "home_area", "status"]
    list_filter = ["legal_form", "registration_level", "status"]
    search_fields = ["name", "uscc"]
    list_select_related = ["home_area"]
    autocomplete_fields = ["home_area"]
    filter_horizontal = ["service_areas"]
    inlines = [TransitionInline]
