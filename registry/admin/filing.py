"""Filing review: the community's 初审 and the federation's filing, as actions."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import TransitionInline
from huitian.admin_workflow import StepRule
from huitian.models import Role
from registry import services
from registry.admin.base import ReasonForm, RegistryAdmin
from registry.models import Filing


@admin.register(Filing)
class FilingAdmin(RegistryAdmin):
    list_display = ["name", "community", "state", "submitted_at", "filing_number"]
    list_filter = ["state"]
    search_fields = ["name", "leader_name"]
    search_help_text = _("Search by group name or leader.")
    list_select_related = ["community", "organization"]
    readonly_fields = [
        "state",
        "applicant",
        "review_note",
        "submitted_at",
        "filed_at",
        "organization",
    ]
    filter_horizontal = ["categories"]
    inlines = [TransitionInline]
    actions = ["pass_review", "return_filing", "file_group", "refuse"]
    workflow_steps = {
        "pass_review": StepRule(
            "pass_review", perm="registry.review_filing", roles=(Role.COMMUNITY_STAFF,)
        ),
        "return_filing": StepRule(
            "return", perm="registry.review_filing", roles=(Role.COMMUNITY_STAFF,)
        ),
        "file_group": StepRule("file", perm="registry.file_filing", roles=(Role.FEDERATION_STAFF,)),
        "refuse": StepRule("refuse", perm="registry.file_filing", roles=(Role.FEDERATION_STAFF,)),
    }

    def has_add_permission(self, request):
        return False  # groups file through the portal

    def get_readonly_fields(self, request, obj=None):
        # The group's own record: staff act through the actions, the group resubmits.
        fields = list(super().get_readonly_fields(request, obj))
        own = [*Filing._meta.concrete_fields, *Filing._meta.many_to_many]
        return fields + [
            f.name for f in own if f.editable and not f.primary_key and f.name not in fields
        ]

    def change_with_service(self, request, obj, form):
        return obj  # every field is read-only: staff act through the actions

    @admin.display(description=_("filing number"))
    def filing_number(self, obj):
        return obj.organization.filing_number if obj.organization_id else "—"

    def _each(self, request, queryset, func, success, **kwargs):
        self.run_each(
            request,
            queryset,
            func,
            success,
            id_kwarg="filing_id",
            label=lambda filing: filing.name,
            **kwargs,
        )

    def _with_reason(self, request, queryset, action, title, func, success, **kwargs):
        return self.with_action_form(
            request,
            queryset,
            ReasonForm,
            title,
            action,
            lambda data: self._each(request, queryset, func, success, **kwargs, **data),
        )

    @admin.action(description=_("Pass initial review (初审)"))
    def pass_review(self, request, queryset):
        self._each(
            request,
            queryset,
            services.review_filing,
            gettext("Passed initial review: %(name)s"),
            passed=True,
        )

    @admin.action(description=_("Return with reasons"))
    def return_filing(self, request, queryset):
        def review(*, filing_id, by, reason):
            return services.review_filing(filing_id=filing_id, by=by, passed=False, note=reason)

        return self._with_reason(
            request,
            queryset,
            "return_filing",
            gettext("Why is it returned?"),
            review,
            gettext("Returned: %(name)s"),
        )

    @admin.action(description=_("File (备案) the selected groups"))
    def file_group(self, request, queryset):
        self._each(request, queryset, services.file_filing, gettext("Filed: %(name)s"))

    @admin.action(description=_("Refuse filing"))
    def refuse(self, request, queryset):
        return self._with_reason(
            request,
            queryset,
            "refuse",
            gettext("Why is filing refused?"),
            services.refuse_filing,
            gettext("Refused: %(name)s"),
        )
