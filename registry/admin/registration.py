"""The registration review queue: staff enter paper applications and decide through the
services; the applicant's record is read-only here."""

from django import forms
from django.contrib import admin
from django.db.models import Case, F, IntegerField, Value, When
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import TransitionInline
from huitian.admin_workflow import StepRule
from huitian.models import Role
from huitian.workdays import WorkingCalendar
from registry import selectors, services
from registry.admin.base import ReasonForm, RegistryAdmin
from registry.models import RegistrationApplication, RegistrationDocument
from registry.rules import REGISTRATION_CLERKS, REGISTRATION_DECIDERS

RA = RegistrationApplication
PAPER_FIELDS = [*RA.APPLICANT_FIELDS, "applicant"]


class DocumentInline(admin.TabularInline):
    model = RegistrationDocument
    fields = ["title", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DeadlineFilter(admin.SimpleListFilter):
    title = _("decision deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("near", _("Near due (≤2 working days)")), ("overdue", _("Overdue"))]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        today = timezone.localdate()
        accepted = queryset.filter(state=RA.State.ACCEPTED)
        if self.value() == "overdue":
            return accepted.filter(decision_due__lt=today)
        near_end = WorkingCalendar().add_working_days(today, RA.NEAR_DUE_WORKING_DAYS)
        return accepted.filter(decision_due__gte=today, decision_due__lte=near_end)


class ApproveForm(forms.Form):
    uscc = forms.CharField(
        label=_("unified social credit code"),
        required=False,
        max_length=18,
        help_text=_(
            "The 18-character code on the registration certificate. Leave it empty if the "
            "application already carries its code; approve one application at a time when "
            "entering a code."
        ),
    )


@admin.register(RegistrationApplication)
class RegistrationApplicationAdmin(RegistryAdmin):
    exclude = ["channel"]
    ordering = ["decision_due", "-created_at"]
    # The deadline columns come right after the state so they stay in view at 1280 px;
    # the channel is a filter on the right.
    list_display = [
        "name",
        "state",
        "days_left",
        "decision_due",
        "accepted_on",
        "submitted_on",
        "home_area",
        "legal_form",
    ]
    list_filter = ["state", DeadlineFilter, "legal_form", "channel"]
    search_fields = ["name", "uscc", "contact_name"]
    search_help_text = _("Search by name, unified social credit code or contact person.")
    list_select_related = ["home_area"]
    autocomplete_fields = ["home_area", "applicant"]
    filter_horizontal = ["categories"]
    readonly_fields = [
        "state",
        "missing_items",
        "submitted_at",
        "accepted_on",
        "decision_due",
        "decided_at",
        "decision_note",
        "organization",
        "alerted_on",
    ]
    inlines = [DocumentInline, TransitionInline]
    actions = ["accept", "return_for_supplement", "approve", "reject"]
    workflow_steps = {
        "accept": StepRule(
            "accept", perm="registry.accept_registration", roles=REGISTRATION_CLERKS
        ),
        "return_for_supplement": StepRule(
            "return", perm="registry.return_registration", roles=REGISTRATION_CLERKS
        ),
        "approve": StepRule(
            "approve", perm="registry.decide_registration", roles=REGISTRATION_DECIDERS
        ),
        "reject": StepRule(
            "reject", perm="registry.decide_registration", roles=REGISTRATION_DECIDERS
        ),
    }
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF})

    def get_queryset(self, request):
        qs = selectors.without_others_drafts(request.user, super().get_queryset(request))
        # Urgency: accepted (the decision deadline runs), then submitted (waiting to be
        # accepted), then with the applicant (returned, drafts), then decided.
        return qs.annotate(
            urgency=Case(
                When(state=RA.State.ACCEPTED, then=Value(0)),
                When(state=RA.State.SUBMITTED, then=Value(1)),
                When(state__in=(RA.State.RETURNED, RA.State.DRAFT), then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )

    def get_ordering(self, request):
        return [F("urgency").asc(), F("decision_due").asc(nulls_last=True), "-created_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # the applicant's record: staff act through the actions
            fields += [f for f in PAPER_FIELDS if f not in fields]
        return fields

    def create_with_service(self, request, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "categories"}
        with self.refused_beside("home_area"):
            app = services.create_registration(
                by=request.user,
                data=data,
                categories=form.cleaned_data.get("categories") or (),
                paper=True,
                submit=True,
            )
        # The success message names the record as saved (已提交), not as first drafted.
        app.refresh_from_db()
        return app

    def change_with_service(self, request, obj, form):
        return obj  # every field is read-only: staff act through the actions

    def get_changelist_instance(self, request):
        cl = super().get_changelist_instance(request)
        self._calendar = WorkingCalendar()
        return cl

    @admin.display(description=_("working days left"))
    def days_left(self, obj):
        if obj.state != RA.State.ACCEPTED or not obj.decision_due:
            return "—"
        cal = getattr(self, "_calendar", None) or WorkingCalendar()
        left = cal.working_days_between(timezone.localdate(), obj.decision_due)
        if left < 0:
            return format_html(
                '<strong style="color:#b00">{}</strong>',
                gettext("overdue by %(n)d working days") % {"n": -left},
            )
        if left <= RA.NEAR_DUE_WORKING_DAYS:
            return format_html('<strong style="color:#b60">{}</strong>', left)
        return left

    @admin.display(description=_("submitted on"), ordering="submitted_at")
    def submitted_on(self, obj):
        return timezone.localdate(obj.submitted_at) if obj.submitted_at else "—"

    def _each(self, request, queryset, func, success, **kwargs):
        self.run_each(
            request,
            queryset,
            func,
            success,
            id_kwarg="application_id",
            label=lambda app: app.name,
            **kwargs,
        )

    @admin.action(description=_("Accept (受理) the selected applications"))
    def accept(self, request, queryset):
        self._each(request, queryset, services.accept_registration, gettext("Accepted: %(name)s"))

    @admin.action(description=_("Return for supplement (补正)"))
    def return_for_supplement(self, request, queryset):
        def handler(data):
            items = [line for line in data["reason"].splitlines() if line.strip()]
            self._each(
                request,
                queryset,
                services.return_registration,
                gettext("Returned for supplement: %(name)s"),
                missing_items=items,
            )

        return self.with_action_form(
            request,
            queryset,
            ReasonForm,
            gettext("What is missing (one item per line)"),
            "return_for_supplement",
            handler,
        )

    @admin.action(description=_("Approve the selected applications"))
    def approve(self, request, queryset):
        many = queryset.count() > 1

        class OneCodeForm(ApproveForm):
            def clean_uscc(self):
                code = self.cleaned_data["uscc"].strip()
                if code and many:
                    raise forms.ValidationError(
                        gettext(
                            "A code belongs to one organization: select a single application "
                            "to approve it with a code."
                        )
                    )
                return code

        def handler(data):
            self._each(
                request,
                queryset,
                services.approve_registration,
                gettext("Approved and registered: %(name)s"),
                uscc=data["uscc"].strip(),
            )

        return self.with_action_form(
            request, queryset, OneCodeForm, gettext("Approve registration"), "approve", handler
        )

    @admin.action(description=_("Reject the selected applications"))
    def reject(self, request, queryset):
        def handler(data):
            self._each(
                request,
                queryset,
                services.reject_registration,
                gettext("Rejected: %(name)s"),
                reason=data["reason"],
            )

        return self.with_action_form(
            request, queryset, ReasonForm, gettext("Reason for rejection"), "reject", handler
        )
