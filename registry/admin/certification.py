"""Social-enterprise certification: the district opens batches and decides."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import ReferenceDataAdmin, TransitionInline
from huitian.admin_workflow import StepRule
from huitian.models import Role
from registry import services
from registry.admin.base import ReasonForm, RegistryAdmin
from registry.models import Certification, CertificationBatch


@admin.register(CertificationBatch)
class CertificationBatchAdmin(ReferenceDataAdmin):
    manage_permission = "registry.manage_reference_data"
    list_display = ["year", "is_open", "validity_years"]


@admin.register(Certification)
class CertificationAdmin(RegistryAdmin):
    list_display = ["organization", "batch", "field", "state", "certificate_number", "valid_until"]
    list_filter = ["batch", "state", "field"]
    search_fields = ["organization__name"]
    list_select_related = ["organization", "batch"]
    readonly_fields = [
        "batch",
        "organization",
        "state",
        "certificate_number",
        "valid_until",
        "decision_note",
        "submitted_by",
    ]
    inlines = [TransitionInline]
    actions = ["certify", "refuse"]
    workflow_steps = {
        name: StepRule(
            name,
            perm="registry.decide_certification",
            perm_on="organization",
            roles=(Role.DISTRICT_ADMIN,),
        )
        for name in ("certify", "refuse")
    }

    def has_add_permission(self, request):
        return False  # social enterprises apply through the API/portal

    def change_with_service(self, request, obj, form):
        return obj  # the application is the enterprise's; the decision is an action

    def _decide(self, request, queryset, success, **kwargs):
        self.run_each(
            request,
            queryset,
            services.decide_certification,
            success,
            id_kwarg="certification_id",
            label=lambda cert: cert.organization,
            **kwargs,
        )

    @admin.action(description=_("Certify the selected social enterprises"))
    def certify(self, request, queryset):
        self._decide(request, queryset, gettext("Certified: %(name)s"), certify=True)

    @admin.action(description=_("Refuse certification"))
    def refuse(self, request, queryset):
        return self.with_action_form(
            request,
            queryset,
            ReasonForm,
            gettext("Why is certification refused?"),
            "refuse",
            lambda data: self._decide(
                request,
                queryset,
                gettext("Refused: %(name)s"),
                certify=False,
                note=data["reason"],
            ),
        )
