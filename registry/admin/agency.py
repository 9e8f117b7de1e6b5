"""The federation's four agency services, recorded and corrected through the services."""

from django.contrib import admin

from huitian.models import Role
from registry import services
from registry.admin.base import RegistryAdmin
from registry.models import AgencyRecord


@admin.register(AgencyRecord)
class AgencyRecordAdmin(RegistryAdmin):
    change_rule = "registry.record_agency_service"
    list_display = ["organization", "kind", "date", "title", "amount"]
    list_filter = ["kind"]
    search_fields = ["organization__name", "title"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["recorded_by"]
    add_roles = frozenset({Role.FEDERATION_STAFF})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "organization"] if obj is not None else fields

    def create_with_service(self, request, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        with self.refused_beside("organization"):
            return services.record_agency_service(
                organization_id=form.cleaned_data["organization"].pk, by=request.user, **data
            )

    def change_with_service(self, request, obj, form):
        return services.correct_agency_record(
            record_id=obj.pk, by=request.user, **form.cleaned_data
        )
