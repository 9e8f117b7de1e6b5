"""Staff screens: review queues scoped to the clerk's area; actions call services."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from huitian.access import area_ids_under, can_change, is_staff_user, staff_areas
from huitian.admin_base import ScopedAdmin, TransitionInline
from huitian.models import Role
from huitian.workdays import WorkingCalendar
from registry import services
from registry.models import (
    AgencyRecord,
    AnnualReport,
    Certification,
    CertificationBatch,
    Deregistration,
    Filing,
    InspectionYear,
    Interview,
    LiquidationAsset,
    Organization,
    RegistrationApplication,
    RegistrationDocument,
)


class RegistryAdmin(ScopedAdmin):
    """Registry screens: read-only users get no actions; skipped rows are said, not dropped."""

    empty_value_display = "—"  # the same dash the computed columns use

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            return {}  # auditors read; an action list would only do nothing
        return actions

    def render_action_form(self, request, queryset, form, title, action):
        """The intermediate page of an action that asks for a reason or a code first."""
        return render(
            request,
            "admin/registry/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": action,
                "opts": self.model._meta,
            },
        )

    def writable_queryset(self, request, queryset):
        rows = super().writable_queryset(request, queryset)
        skipped = queryset.count() - rows.count()
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d selected record is outside the areas you work in and was left "
                    "unchanged.",
                    "%(n)d selected records are outside the areas you work in and were left "
                    "unchanged.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )
        return rows


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
            from registry.selectors import guided_exit_candidates

            return queryset.filter(pk__in=guided_exit_candidates().values("pk"))
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
    # The certificate is written only by decide_certification (a district decision).
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

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        user = request.user

        class KeptInScope(form_class):
            def clean_home_area(self):
                # A clerk may not move an organization out of the areas they work in.
                area = self.cleaned_data.get("home_area")
                if area is not None and not user.is_superuser:
                    mine = [path for _area_id, path in staff_areas(user, for_write=True)]
                    if area.pk not in area_ids_under(mine):
                        raise forms.ValidationError(
                            gettext("You can only place an organization inside your own area.")
                        )
                return area

        return KeptInScope

    def changelist_view(self, request, extra_context=None):
        from registry.selectors import party_coverage

        extra_context = extra_context or {}
        extra_context["coverage"] = party_coverage(request.user)
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
        from django.utils import timezone

        cal = WorkingCalendar()
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(state="accepted", decision_due__lt=today)
        near_end = cal.add_working_days(today, RegistrationApplication.NEAR_DUE_WORKING_DAYS)
        return queryset.filter(
            state="accepted", decision_due__gte=today, decision_due__lte=near_end
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


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


class PaperApplicationForm(forms.ModelForm):
    """Staff entering a paper application: refuse an area outside theirs beside the field."""

    class Meta:
        model = RegistrationApplication
        fields = [
            "name",
            "legal_form",
            "registration_level",
            "home_area",
            "categories",
            "uscc",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "purpose",
            "applicant",
        ]

    def clean(self):
        data = super().clean()
        area = data.get("home_area")
        user = getattr(self, "request_user", None)
        if area is not None and user is not None and not self.instance.pk:
            probe = RegistrationApplication(home_area=area)
            if not user.has_perm("registry.accept_registration", probe):
                self.add_error("home_area", gettext("This area is outside the areas you work in."))
        code = (data.get("uscc") or "").strip()
        if code and not self.instance.pk:
            holder = services.uscc_conflict(code)
            if holder is not None:
                self.add_error(
                    "uscc",
                    gettext("This code is already registered to “%(name)s” (no. %(id)s).")
                    % {"name": holder.name, "id": holder.pk},
                )
        return data


@admin.register(RegistrationApplication)
class RegistrationApplicationAdmin(RegistryAdmin):
    form = PaperApplicationForm
    ordering = ["decision_due", "-created_at"]

    def get_queryset(self, request):
        from registry.selectors import without_others_drafts

        return without_others_drafts(request.user, super().get_queryset(request))

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class WithUser(form_class):
            request_user = request.user

        return WithUser

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
    exclude = ["channel"]
    inlines = [DocumentInline, TransitionInline]
    actions = ["accept", "return_for_supplement", "approve", "reject"]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF})

    def get_changelist_instance(self, request):
        cl = super().get_changelist_instance(request)
        self._calendar = WorkingCalendar()
        return cl

    @admin.display(description=_("working days left"))
    def days_left(self, obj):
        if obj.state != "accepted" or not obj.decision_due:
            return "—"
        from django.utils import timezone

        cal = getattr(self, "_calendar", None) or WorkingCalendar()
        left = cal.working_days_between(timezone.localdate(), obj.decision_due)
        if left < 0:
            return format_html(
                '<strong style="color:#b00">{}</strong>',
                gettext("overdue by %(n)d") % {"n": -left},
            )
        if left <= RegistrationApplication.NEAR_DUE_WORKING_DAYS:
            return format_html('<strong style="color:#b60">{}</strong>', left)
        return left

    @admin.display(description=_("submitted on"), ordering="submitted_at")
    def submitted_on(self, obj):
        return timezone.localdate(obj.submitted_at) if obj.submitted_at else "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # the applicant's record: staff act through the actions
            fields += [f for f in PaperApplicationForm.Meta.fields if f not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        if change and not form.changed_data:
            return
        if change:
            services.update_registration(
                application_id=obj.pk,
                by=request.user,
                data={f: form.cleaned_data[f] for f in form.changed_data if f != "categories"},
            )
            return
        data = {k: v for k, v in form.cleaned_data.items() if k != "categories"}
        created = services.create_registration(by=request.user, data=data, paper=True, submit=True)
        obj.pk = created.pk

    def _each(self, request, queryset, func, success, **kwargs):
        for app in self.writable_queryset(request, queryset):
            self.run_service(
                request,
                func,
                application_id=app.pk,
                by=request.user,
                success=success % {"name": app.name},
                **kwargs,
            )

    @admin.action(description=_("Accept (受理) the selected applications"))
    def accept(self, request, queryset):
        self._each(request, queryset, services.accept_registration, gettext("Accepted: %(name)s"))

    def _with_form(self, request, queryset, form_class, title, action, handler):
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                handler(form.cleaned_data)
                return None
        else:
            form = form_class()
        return self.render_action_form(request, queryset, form, title, action)

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

        return self._with_form(
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

        return self._with_form(
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

        return self._with_form(
            request, queryset, ReasonForm, gettext("Reason for rejection"), "reject", handler
        )


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

    def has_add_permission(self, request):
        return False  # groups file through the portal

    def get_readonly_fields(self, request, obj=None):
        # The group's own record: staff act through the actions, the group resubmits.
        fields = list(super().get_readonly_fields(request, obj))
        own = [*Filing._meta.concrete_fields, *Filing._meta.many_to_many]
        return fields + [
            f.name for f in own if f.editable and not f.primary_key and f.name not in fields
        ]

    @admin.display(description=_("filing number"))
    def filing_number(self, obj):
        return obj.organization.filing_number if obj.organization_id else "—"

    def _each(self, request, queryset, func, success, **kwargs):
        for filing in self.writable_queryset(request, queryset):
            self.run_service(
                request,
                func,
                filing_id=filing.pk,
                by=request.user,
                success=success % {"name": filing.name},
                **kwargs,
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

    def _reason(self, request, queryset, action, title, func, success, **kwargs):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                self._each(request, queryset, func, success, **kwargs, **form.cleaned_data)
                return None
        else:
            form = ReasonForm()
        return self.render_action_form(request, queryset, form, title, action)

    @admin.action(description=_("Return with reasons"))
    def return_filing(self, request, queryset):
        def review(*, filing_id, by, reason):
            return services.review_filing(filing_id=filing_id, by=by, passed=False, note=reason)

        return self._reason(
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
        return self._reason(
            request,
            queryset,
            "refuse",
            gettext("Why is filing refused?"),
            services.refuse_filing,
            gettext("Refused: %(name)s"),
        )


@admin.register(InspectionYear)
class InspectionYearAdmin(RegistryAdmin):
    list_display = ["year", "deadline", "flagged_at"]
    readonly_fields = ["flagged_at"]
    add_roles = frozenset({Role.DISTRICT_ADMIN})

    def has_change_permission(self, request, obj=None):
        from huitian.access import has_role

        return request.user.is_superuser or has_role(request.user, Role.DISTRICT_ADMIN)


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

    def _conclude(self, request, queryset, conclusion):
        for report in self.writable_queryset(request, queryset):
            self.run_service(
                request,
                services.conclude_annual_report,
                report_id=report.pk,
                by=request.user,
                conclusion=conclusion,
                success=gettext("Concluded: %(name)s") % {"name": report},
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


# --- R6 four agency services, R7 certification, R9 enforcement and exit -------------------


class RuleCheckedAdmin(RegistryAdmin):
    """An add form whose organization must pass the service's rule (refused beside the field)."""

    add_rule: str = ""
    # The rule the service applies to a later change of the row (none: the scope decides).
    change_rule: str = ""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or not self.change_rule:
            return allowed
        return request.user.has_perm(self.change_rule, obj.organization)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        rule, user = self.add_rule, request.user

        class Checked(form_class):
            def clean(self):
                data = super().clean()
                org = data.get("organization")
                refused = org is not None and not user.has_perm(rule, org)
                if rule and refused and not self.instance.pk:
                    self.add_error(
                        "organization",
                        gettext("You are not allowed to do this for this organization."),
                    )
                return data

        return Checked


@admin.register(AgencyRecord)
class AgencyRecordAdmin(RuleCheckedAdmin):
    add_rule = "registry.record_agency_service"
    change_rule = "registry.record_agency_service"
    list_display = ["organization", "kind", "date", "title", "amount"]
    list_filter = ["kind"]
    search_fields = ["organization__name", "title"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["recorded_by"]
    add_roles = frozenset({Role.FEDERATION_STAFF})

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        created = services.record_agency_service(
            organization_id=obj.organization_id, by=request.user, **data
        )
        obj.pk = created.pk


@admin.register(CertificationBatch)
class CertificationBatchAdmin(RegistryAdmin):
    list_display = ["year", "is_open", "validity_years"]
    add_roles = frozenset({Role.DISTRICT_ADMIN})

    def has_change_permission(self, request, obj=None):
        from huitian.access import has_role

        return request.user.is_superuser or has_role(request.user, Role.DISTRICT_ADMIN)


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

    def has_add_permission(self, request):
        return False  # social enterprises apply through the API/portal

    @admin.action(description=_("Certify the selected social enterprises"))
    def certify(self, request, queryset):
        for cert in self.writable_queryset(request, queryset):
            self.run_service(
                request,
                services.decide_certification,
                certification_id=cert.pk,
                by=request.user,
                certify=True,
                success=gettext("Certified: %(name)s") % {"name": cert.organization},
            )

    @admin.action(description=_("Refuse certification"))
    def refuse(self, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                for cert in self.writable_queryset(request, queryset):
                    self.run_service(
                        request,
                        services.decide_certification,
                        certification_id=cert.pk,
                        by=request.user,
                        certify=False,
                        note=form.cleaned_data["reason"],
                        success=gettext("Refused: %(name)s") % {"name": cert.organization},
                    )
                return None
        else:
            form = ReasonForm()
        return self.render_action_form(
            request, queryset, form, gettext("Why is certification refused?"), "refuse"
        )


@admin.register(Interview)
class InterviewAdmin(RuleCheckedAdmin):
    add_rule = "registry.hold_interview"
    change_rule = "registry.hold_interview"
    list_display = ["organization", "reason", "held_on", "follow_up_on"]
    list_filter = ["reason"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["conducted_by"]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF})

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = {k: v for k, v in form.cleaned_data.items() if k != "organization"}
        created = services.hold_interview(
            organization_id=obj.organization_id, by=request.user, **data
        )
        obj.pk = created.pk


class AssetForm(forms.ModelForm):
    """A recorded row cannot be rewritten (the services refuse it), so its recorded cells are
    shown disabled instead of accepting an edit that would silently be dropped."""

    class Meta:
        model = LiquidationAsset
        fields = ["description", "value", "disposal", "disposed_value", "recipient"]
        widgets = {
            "description": forms.TextInput(attrs={"size": 18}),
            "value": forms.NumberInput(attrs={"style": "width: 8em"}),
            "disposed_value": forms.NumberInput(attrs={"style": "width: 8em"}),
            "recipient": forms.TextInput(attrs={"size": 14}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["description"].disabled = True
            self.fields["value"].disabled = True
            if self.instance.disposal:
                for name in ("disposal", "disposed_value", "recipient"):
                    self.fields[name].disabled = True


class AssetInline(admin.TabularInline):
    """The liquidation inventory. Editable only while liquidating; rows are written by the
    services (DeregistrationAdmin.save_formset), so the admin obeys the same rules as the API:
    new rows are recorded, a disposal is recorded once, nothing recorded is rewritten."""

    model = LiquidationAsset
    form = AssetForm
    fields = ["description", "value", "disposal", "disposed_value", "recipient"]
    extra = 1
    can_delete = False

    def _liquidating(self, request, obj):
        return obj is not None and obj.state == "liquidating" and can_change(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return self._liquidating(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._liquidating(request, obj)

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)


@admin.register(Deregistration)
class DeregistrationAdmin(RuleCheckedAdmin):
    add_rule = "registry.open_deregistration"
    list_display = ["organization", "kind", "state", "created_at", "inventory"]
    list_filter = ["kind", "state"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization", "surviving_organization"]
    readonly_fields = ["state"]
    inlines = [AssetInline, TransitionInline]
    actions = ["start_liquidation", "deregister"]
    add_roles = frozenset({Role.DISTRICT_ADMIN})

    def save_formset(self, request, form, formset, change):
        if formset.model is not LiquidationAsset:
            return super().save_formset(request, form, formset, change)
        # What the admin's change message reads; filled with what the services saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for asset_form in formset.forms:
            if not asset_form.has_changed() or not asset_form.is_valid():
                continue
            data, asset = asset_form.cleaned_data, asset_form.instance
            if asset.pk is None:
                asset = self.run_service(
                    request,
                    services.record_liquidation_asset,
                    deregistration_id=form.instance.pk,
                    by=request.user,
                    description=data["description"],
                    value=data["value"],
                )
                if asset is not None:
                    formset.new_objects.append(asset)
            if asset is not None and asset.pk and data.get("disposal") and not asset.disposal:
                self.run_service(
                    request,
                    services.dispose_liquidation_asset,
                    asset_id=asset.pk,
                    by=request.user,
                    disposal=data["disposal"],
                    disposed_value=data.get("disposed_value"),
                    recipient=data.get("recipient", ""),
                )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # opened through the service; what it is about stays fixed
            fields += ["organization", "kind", "surviving_organization"]
        return fields

    @admin.display(description=_("inventory"))
    def inventory(self, obj):
        problems = services.inventory_problems(obj) if obj.state == "liquidating" else []
        return "；".join(str(p) for p in problems) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("assets")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = services.open_deregistration(
            organization_id=obj.organization_id,
            by=request.user,
            kind=obj.kind,
            reason=obj.reason,
            surviving_organization_id=obj.surviving_organization_id,
        )
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description=_("Start liquidation (清算)"))
    def start_liquidation(self, request, queryset):
        for dereg in self.writable_queryset(request, queryset):
            self.run_service(
                request,
                services.start_liquidation,
                deregistration_id=dereg.pk,
                by=request.user,
                success=gettext("Liquidation started: %(name)s") % {"name": dereg.organization},
            )

    @admin.action(description=_("Deregister (注销)"))
    def deregister(self, request, queryset):
        for dereg in self.writable_queryset(request, queryset):
            self.run_service(
                request,
                services.complete_deregistration,
                deregistration_id=dereg.pk,
                by=request.user,
                success=gettext("Deregistered: %(name)s") % {"name": dereg.organization},
            )
