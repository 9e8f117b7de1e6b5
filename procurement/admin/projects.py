"""Purchase projects' screens (P8): projects created and changed through
`services.projects`; steps are actions calling the same services (as buttons on the
project's page too): submit, the assigned evaluator's pre-review opinion, open, close,
cancel with a reason, draft the awarded project's contract. Applications are shown with
each applicant's eligibility and the reason when it is not."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huitian.access import has_role
from huitian.admin_base import TransitionInline
from huitian.admin_workflow import StepRule
from huitian.ledger import yuan
from huitian.models import Role
from procurement.admin.base import ProcurementAdmin, RecordOnlyAdmin
from procurement.admin.steps import AskFirstMixin, DraftContractForm, OpinionForm, ReasonForm
from procurement.models import (
    ApplicationScore,
    Award,
    ConflictDeclaration,
    ProjectApplication,
    PurchaseProject,
    ReviewerAssignment,
)
from procurement.services import contracts as contracts_svc
from procurement.services import projects as svc

PURCHASERS = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF})
DEFAULT_APPLICATION_DAYS = 10


class ProjectForm(forms.ModelForm):
    budget_amount = forms.CharField(label=_("budget (yuan)"), max_length=20)

    class Meta:
        model = PurchaseProject
        fields = [
            "title",
            "area",
            "purchaser_name",
            "category",
            "items",
            "budget",
            "budget_amount",
            "service_standard",
            "quantity",
            "unit",
            "duration_months",
            "years",
            "evaluator",
        ]


class ApplicationInline(admin.TabularInline):
    model = ProjectApplication
    extra = 0
    can_delete = False
    fields = ["organization", "is_joint", "quoted_amount", "state", "eligibility"]
    readonly_fields = fields
    verbose_name_plural = _("applications")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organization", "project__area")

    @admin.display(description=_("eligibility"))
    def eligibility(self, application):
        return eligibility_text(application)


def eligibility_text(application) -> str:
    problems = svc.eligibility_problems(
        application.organization, application.project, joint=application.is_joint
    )
    return "；".join(problems) if problems else str(_("Eligible"))


MANAGE = "procurement.manage_project"
PRE_REVIEW = "procurement.pre_review_project"
# The pre-review steps: the assigned third-party evaluator's, a read-only role elsewhere.
PRE_REVIEW_STEPS = {"pass_review": "pass", "revise": "revise", "reject": "reject"}


def why_not_draft(project, user) -> list[str]:
    contract = getattr(project, "contract", None) if project.pk else None
    if contract is None:
        return []
    return [
        gettext("Contract %(number)s is drafted; it is signed on its own page.")
        % {"number": contract.number}
    ]


@admin.register(PurchaseProject)
class PurchaseProjectAdmin(AskFirstMixin, ProcurementAdmin):
    list_display = [
        "title",
        "area",
        "purchaser_name",
        "budget_amount",
        "is_major_display",
        "state",
        "application_deadline",
    ]
    list_filter = ["state", "years"]
    list_select_related = ["area"]
    search_fields = ["title", "purchaser_name"]
    add_roles = PURCHASERS
    form = ProjectForm
    inlines = [ApplicationInline, TransitionInline]
    autocomplete_fields = []
    actions = [
        "submit_for_review",
        "pass_pre_review",
        "return_for_revision",
        "reject_in_pre_review",
        "open_for_applications",
        "close_applications",
        "draft_contract",
        "cancel_selected",
    ]
    workflow_steps = {
        "submit_for_review": StepRule("submit", perm=MANAGE, roles=PURCHASERS),
        "pass_pre_review": StepRule("pass_review", perm=PRE_REVIEW, roles=(Role.EVALUATOR,)),
        "return_for_revision": StepRule("revise", perm=PRE_REVIEW, roles=(Role.EVALUATOR,)),
        "reject_in_pre_review": StepRule("reject", perm=PRE_REVIEW, roles=(Role.EVALUATOR,)),
        "open_for_applications": StepRule("open", perm=MANAGE, roles=PURCHASERS),
        "close_applications": StepRule("close", perm=MANAGE, roles=PURCHASERS),
        # Drafting is not a step of the project (countersigning takes "contract"), but it
        # is open exactly when that step is: the project is awarded.
        "draft_contract": StepRule(
            "contract", perm=MANAGE, roles=PURCHASERS, why_not=why_not_draft
        ),
        "cancel_selected": StepRule(
            "cancel",
            perm=MANAGE,
            roles=PURCHASERS,
            why_not=lambda project, user: svc.why_not_cancel(project),
        ),
    }
    readonly_fields = [
        "state",
        "is_major_display",
        "application_days",
        "opened_at",
        "application_deadline",
        "pre_review_opinion",
        "pre_reviewed_at",
        "cancel_reason",
        "created_by",
        "created_at",
    ]

    @admin.display(description=_("major project"), boolean=True)
    def is_major_display(self, project):
        return project.is_major

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.state != PurchaseProject.State.DRAFT:
            return [*ProjectForm.Meta.fields, *self.readonly_fields]
        return [*self.readonly_fields, "area"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ProjectForm.Meta.fields
        return [*ProjectForm.Meta.fields, *self.readonly_fields]

    def create_with_service(self, request, form):
        d = dict(form.cleaned_data)
        items = list(d.pop("items", []) or [])
        return svc.create_project(by=request.user, items=items, **d)

    def change_with_service(self, request, obj, form):
        d = {k: form.cleaned_data[k] for k in form.changed_data if k in svc.EDITABLE}
        return svc.update_project(obj, by=request.user, **d)

    def role_may_take(self, request, rule):
        if rule.step in PRE_REVIEW_STEPS:
            # The evaluator writes nothing else here; the service checks it is the one
            # assigned to the project (the rule hides the buttons from any other).
            return has_role(request.user, Role.EVALUATOR)
        return super().role_may_take(request, rule)

    def next_steps(self, request, obj):
        steps = super().next_steps(request, obj)
        for step in steps:
            if step["action"] == "draft_contract":
                step["label"], step["needs_note"] = _("Draft the contract"), True
        return steps

    @admin.action(description=_("Submit the selected projects for pre-review"))
    def submit_for_review(self, request, queryset):
        for project in queryset:
            self.run_service(request, svc.submit_for_review, project, by=request.user)

    @admin.action(description=_("Open the selected projects for applications (10 working days)"))
    def open_for_applications(self, request, queryset):
        for project in queryset:
            self.run_service(
                request,
                svc.open_for_applications,
                project,
                by=request.user,
                working_days=project.application_days or DEFAULT_APPLICATION_DAYS,
            )

    @admin.action(description=_("Close applications of the selected projects"))
    def close_applications(self, request, queryset):
        for project in queryset:
            self.run_service(request, svc.close_applications, project, by=request.user)

    def _pre_review(self, request, queryset, action, step, title):
        def handler(form):
            for project in queryset:
                self.run_service(
                    request,
                    svc.pre_review,
                    project,
                    by=request.user,
                    decision=PRE_REVIEW_STEPS[step],
                    opinion=form.cleaned_data["opinion"],
                    success=gettext("Pre-review opinion recorded: %(title)s")
                    % {"title": project.title},
                )

        return self.with_form(request, queryset, OpinionForm, title, action, handler)

    @admin.action(description=_("Pass the pre-review of the selected projects"))
    def pass_pre_review(self, request, queryset):
        return self._pre_review(
            request, queryset, "pass_pre_review", "pass_review", gettext("Pass the pre-review")
        )

    @admin.action(description=_("Return the selected projects for revision"))
    def return_for_revision(self, request, queryset):
        return self._pre_review(
            request, queryset, "return_for_revision", "revise", gettext("Return for revision")
        )

    @admin.action(description=_("Reject the selected projects in pre-review"))
    def reject_in_pre_review(self, request, queryset):
        return self._pre_review(
            request,
            queryset,
            "reject_in_pre_review",
            "reject",
            gettext("Reject the project in pre-review"),
        )

    @admin.action(description=_("Cancel the selected projects (releases committed money)"))
    def cancel_selected(self, request, queryset):
        def handler(form):
            for project in queryset:
                self.run_service(
                    request,
                    svc.cancel_project,
                    project,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    success=gettext("Cancelled: %(title)s") % {"title": project.title},
                )

        return self.with_form(
            request,
            queryset,
            ReasonForm,
            gettext("Reason for cancelling"),
            "cancel_selected",
            handler,
        )

    @admin.action(description=_("Draft the contract of the selected awarded project"))
    def draft_contract(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request,
                gettext("Draft contracts one project at a time: select one awarded project."),
                messages.WARNING,
            )
            return None
        project = queryset.get()

        def handler(form):
            contract = self.run_service(
                request,
                contracts_svc.draft_contract,
                project,
                by=request.user,
                periods=form.plans(),
            )
            if contract is not None:
                self.message_user(
                    request,
                    gettext(
                        "Contract %(number)s drafted (¥%(amount)s); the organization signs it next."
                    )
                    % {"number": contract.number, "amount": yuan(contract.amount)},
                    messages.SUCCESS,
                )

        return self.with_form(
            request,
            queryset,
            DraftContractForm,
            gettext("Draft the contract"),
            "draft_contract",
            handler,
            project=project,
        )


@admin.register(ProjectApplication)
class ProjectApplicationAdmin(RecordOnlyAdmin):
    list_display = ["project", "organization", "is_joint", "quoted_amount", "state", "eligibility"]
    list_filter = ["state", "is_joint"]
    list_select_related = ["project__area", "organization"]
    inlines = [TransitionInline]
    readonly_fields = [
        "project",
        "organization",
        "proposal",
        "quoted_amount",
        "is_joint",
        "federation_area",
        "cosigned_by",
        "state",
        "submitted_by",
        "submitted_at",
        "eligibility",
    ]
    fields = readonly_fields

    @admin.display(description=_("eligibility"))
    def eligibility(self, application):
        return eligibility_text(application)


@admin.register(Award)
class AwardAdmin(RecordOnlyAdmin):
    list_display = ["project", "application", "awarded_by", "awarded_at"]
    list_select_related = ["project", "application__organization", "awarded_by"]
    readonly_fields = ["project", "application", "reason", "awarded_by", "awarded_at"]
    fields = readonly_fields


@admin.register(ReviewerAssignment)
class ReviewerAssignmentAdmin(RecordOnlyAdmin):
    list_display = ["project", "reviewer", "assigned_at"]
    list_select_related = ["project", "reviewer"]
    readonly_fields = ["project", "reviewer", "assigned_by", "assigned_at"]
    fields = readonly_fields


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(RecordOnlyAdmin):
    list_display = ["assignment", "application", "has_conflict", "declared_at"]
    list_filter = ["has_conflict"]
    list_select_related = ["assignment__project", "assignment__reviewer", "application"]
    readonly_fields = ["assignment", "application", "has_conflict", "description", "declared_at"]
    fields = readonly_fields


@admin.register(ApplicationScore)
class ApplicationScoreAdmin(RecordOnlyAdmin):
    list_display = ["application", "reviewer", "criterion", "points", "scored_at"]
    list_filter = ["criterion"]
    list_select_related = ["application__organization", "reviewer"]
    readonly_fields = ["application", "reviewer", "criterion", "points", "comment", "scored_at"]
    fields = readonly_fields
