"""Annual inspection: the district opens a year; staff conclude reports; interviews are
held and their outcome recorded through the services."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import ReferenceDataAdmin
from huitian.models import Role
from registry import services
from registry.admin.base import RegistryAdmin
from registry.models import AnnualReport, InspectionYear, Interview


@admin.register(InspectionYear)
class InspectionYearAdmin(ReferenceDataAdmin):
    manage_permission = "registry.manage_reference_data"
    list_display = ["year", "deadline", "flagged_at"]
    readonly_fields = ["flagged_at"]


@admin.register(AnnualReport)
class AnnualReportAdmin(RegistryAdmin):
    list_display = ["organization", "year", "submitted_at", "conclusion"]
    list_filter = ["year", "conclusion"]
    search_fields = ["organization__name", "organization__uscc"]
    list_select_related = ["organization"]
    readonly_fields = [
        "organization",
        "year",
        "summary",
        "income",
        "expenditure",
        "file",
        "submitted_by",
        "conclusion",
        "concluded_by",
        "concluded_at",
    ]
    actions = ["conclude_pass", "conclude_basic", "conclude_fail"]

    def has_add_permission(self, request):
        return False  # organizations submit through the portal

    def change_with_service(self, request, obj, form):
        return obj  # every field is read-only: the conclusion is an action

    def _conclude(self, request, queryset, conclusion):
        self.run_each(
            request,
            queryset,
            services.conclude_annual_report,
            gettext("Concluded: %(name)s"),
            id_kwarg="report_id",
            conclusion=conclusion,
        )

    @admin.action(description=_("Conclude: qualified (合格)"))
    def conclude_pass(self, request, queryset):
        self._conclude(request, queryset, AnnualReport.Conclusion.PASS)

    @admin.action(description=_("Conclude: basically qualified (基本合格)"))
    def conclude_basic(self, request, queryset):
        self._conclude(request, queryset, AnnualReport.Conclusion.BASIC)

    @admin.action(description=_("Conclude: not qualified (不合格)"))
    def conclude_fail(self, request, queryset):
        self._conclude(request, queryset, AnnualReport.Conclusion.FAIL)


@admin.register(Interview)
class InterviewAdmin(RegistryAdmin):
    change_rule = "registry.hold_interview"
    list_display = ["organization", "reason", "held_on", "follow_up_on"]
    list_filter = ["reason"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["conducted_by"]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF})

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # what was held stays; the outcome is recorded afterwards
            fields += ["organization", "reason", "details", "held_on"]
        return fields

    def create_with_service(self, request, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        with self.refused_beside("organization"):
            return services.hold_interview(
                organization_id=form.cleaned_data["organization"].pk, by=request.user, **data
            )

    def change_with_service(self, request, obj, form):
        return services.record_interview_outcome(
            interview_id=obj.pk,
            by=request.user,
            outcome=form.cleaned_data.get("outcome", ""),
            follow_up_on=form.cleaned_data.get("follow_up_on"),
        )
