"""The organization register: staff edit a record through the services' rules; legal
particulars are read-only (a workflow step changes them)."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import TransitionInline
from huitian.admin_workflow import StepRule
from huitian.models import Role
from registry import selectors, services
from registry.admin.base import RegistryAdmin
from registry.models import Organization
from registry.services.organizations import LEGAL_PARTICULARS, WORKFLOW_FIELDS

M2M = ("service_areas", "categories")


class PartyOrganizationFilter(admin.SimpleListFilter):
    title = _("party organization")
    parameter_name = "party"

    def lookups(self, request, model_admin):
        return [("yes", _("Has a party organization")), ("no", _("No party organization"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(party_organization=Organization.PartyOrganization.NONE)
        if self.value() == "no":
            return queryset.filter(party_organization=Organization.PartyOrganization.NONE)
        return queryset


class GuidedExitFilter(admin.SimpleListFilter):
    title = _("guided exit")
    parameter_name = "weak"

    def lookups(self, request, model_admin):
        return [("yes", _("Candidates for guided merger or exit"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=selectors.guided_exit_candidates().values("pk"))
        return queryset


@admin.register(Organization)
class OrganizationAdmin(RegistryAdmin):
    list_display = [
        "name",
        "code",
        "legal_form",
        "registration_level",
        "home_area",
        "status",
        "party_organization",
    ]
    list_filter = [
        "legal_form",
        "registration_level",
        "status",
        PartyOrganizationFilter,
        GuidedExitFilter,
        "introduced_from",
        "categories",
    ]
    search_fields = ["name", "uscc", "filing_number"]
    search_help_text = _("Search by name, unified social credit code or filing number.")
    list_select_related = ["home_area"]
    autocomplete_fields = ["home_area", "merged_into"]
    filter_horizontal = ["service_areas", "categories"]
    # Written only by workflow steps (status, filing, certification, merger).
    readonly_fields = [
        "status",
        "filing_number",
        "merged_into",
        "created_at",
        "certificate_number",
        "certified_until",
    ]
    inlines = [TransitionInline]
    actions = ["suspend", "reactivate"]
    workflow_steps = {
        name: StepRule(
            name, perm="registry.change_status", roles=(Role.DISTRICT_ADMIN,), flow="STATUS_FLOW"
        )
        for name in ("suspend", "reactivate")
    }
    # New records are organizations registered elsewhere; filed groups come by filing.
    add_roles = frozenset({Role.DISTRICT_ADMIN})
    change_list_template = "admin/registry/organization/change_list.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "uscc",
                    "filing_number",
                    "legal_form",
                    "registration_level",
                    "status",
                    "merged_into",
                    "home_area",
                    "service_areas",
                    "categories",
                ]
            },
        ),
        (
            _("Contacts and size"),
            {
                "fields": [
                    "legal_representative",
                    "contact_name",
                    "contact_phone",
                    "address",
                    "description",
                    "founded_on",
                    "staff_count",
                    "volunteer_count",
                ]
            },
        ),
        (
            _("Party building"),
            {
                "fields": [
                    "party_organization",
                    "party_member_count",
                    "party_instructor",
                    "five_party_participation",
                ]
            },
        ),
        (
            _("Introduction and certification"),
            {
                "fields": [
                    "introduced_from",
                    "office_space",
                    "certificate_number",
                    "certified_until",
                    "alliance_member",
                ]
            },
        ),
    ]

    @admin.display(description=_("credit code / filing number"), ordering="uscc")
    def code(self, obj):
        # One column for both codes, so status and party building stay in view at 1280 px.
        return obj.uscc or obj.filing_number or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fixed = WORKFLOW_FIELDS if obj.is_filed else LEGAL_PARTICULARS
            fields += [f for f in fixed if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return request.user.has_perm("registry.edit_organization", obj)

    def create_with_service(self, request, form):
        data = {k: v for k, v in form.cleaned_data.items() if k not in M2M}
        return services.enter_organization(
            by=request.user,
            data=data,
            service_areas=form.cleaned_data.get("service_areas") or (),
            categories=form.cleaned_data.get("categories") or (),
        )

    def change_with_service(self, request, obj, form):
        changed = [f for f in form.changed_data if f in form.cleaned_data]
        return services.update_organization(
            organization_id=obj.pk,
            by=request.user,
            data={f: form.cleaned_data[f] for f in changed if f not in M2M},
            service_areas=form.cleaned_data["service_areas"]
            if "service_areas" in changed
            else None,
            categories=form.cleaned_data["categories"] if "categories" in changed else None,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["coverage"] = selectors.party_coverage(request.user)
        return super().changelist_view(request, extra_context=extra_context)

    def _status_step(self, request, queryset, step, done):
        note = gettext("Changed in the staff admin by %(user)s") % {"user": request.user}
        count = 0
        for org in self.writable_queryset(request, queryset):
            if self.run_service(
                request,
                services.change_organization_status,
                organization_id=org.pk,
                step=step,
                by=request.user,
                note=note,
            ):
                count += 1
        if count:
            self.message_user(request, done % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Suspend the selected organizations"))
    def suspend(self, request, queryset):
        self._status_step(request, queryset, "suspend", gettext("%(n)d suspended."))

    @admin.action(description=_("Reactivate the selected organizations"))
    def reactivate(self, request, queryset):
        self._status_step(request, queryset, "reactivate", gettext("%(n)d reactivated."))
