"""Staff screens for the practice project library, the volunteer fund and the college.

Every write goes through the services: add forms call them, and workflow steps are
actions (a reason for returning or rejecting goes in the action bar's note field).
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from huitian.access import writable
from huitian.admin_base import ReferenceDataAdmin, ScopedAdmin, TransitionInline
from huitian.models import Role
from volunteers import services
from volunteers.admin.actions import NoteActionForm
from volunteers.models import (
    Course,
    Enrolment,
    ExamResult,
    Grant,
    Placement,
    PracticeBase,
    PracticeProject,
    PracticeSite,
    ProjectPick,
    ProjectTheme,
    TrainingRequirement,
)

STAFF = frozenset(
    {Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.FEDERATION_STAFF, Role.COMMUNITY_STAFF}
)
REVIEWERS = frozenset({Role.DISTRICT_ADMIN, Role.FEDERATION_STAFF})


class StepsAdmin(ScopedAdmin):
    """Records that change only by their steps (actions)."""

    action_form = NoteActionForm

    def has_change_permission(self, request, obj=None):
        return False

    def note(self, request) -> str:
        return request.POST.get("note", "")

    def get_inlines(self, request, obj):
        return super().get_inlines(request, obj) if obj is not None else []  # a log of steps


@admin.register(ProjectTheme)
class ProjectThemeAdmin(ReferenceDataAdmin):
    manage_permission = "volunteers.review_district"
    list_display = ["name", "order", "is_active"]
    list_filter = ["is_active"]


class ProjectForm(forms.ModelForm):
    class Meta:
        model = PracticeProject
        fields = ["organization", "title", "summary", "themes"]


@admin.register(PracticeProject)
class PracticeProjectAdmin(StepsAdmin):
    form = ProjectForm
    list_display = ["title", "organization", "state", "submitted_at", "accepted_at"]
    list_filter = ["state"]
    list_select_related = ["organization"]
    search_fields = ["title"]
    autocomplete_fields = ["organization"]
    inlines = [TransitionInline]
    add_roles = frozenset({Role.ORG_MEMBER})
    actions = ["accept", "send_back", "reject", "retire"]
    readonly_fields = ["organization", "title", "summary", "state", "submitted_at", "accepted_at"]

    def get_fields(self, request, obj=None):
        return (
            ["organization", "title", "summary", "themes"] if obj is None else self.readonly_fields
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return services.submit_project(
            by=request.user,
            organization=d["organization"],
            title=d["title"],
            summary=d["summary"],
            themes=list(d["themes"]),
        )

    def _review(self, request, queryset, step):
        for project in queryset:
            self.run_service(
                request,
                services.review_project,
                project_id=project.pk,
                by=request.user,
                step=step,
                note=self.note(request),
            )

    @admin.action(description=_("Accept into the library"))
    def accept(self, request, queryset):
        self._review(request, queryset, "accept")

    @admin.action(description=_("Return for changes (reason in the note)"))
    def send_back(self, request, queryset):
        self._review(request, queryset, "return")

    @admin.action(description=_("Do not accept (reason in the note)"))
    def reject(self, request, queryset):
        self._review(request, queryset, "reject")

    @admin.action(description=_("Retire from the library (reason in the note)"))
    def retire(self, request, queryset):
        self._review(request, queryset, "retire")


@admin.register(PracticeSite)
class PracticeSiteAdmin(ScopedAdmin):
    list_display = ["name", "area"]
    list_select_related = ["area"]
    search_fields = ["name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PickForm(forms.ModelForm):
    class Meta:
        model = ProjectPick
        fields = ["site", "project", "organization", "purpose", "activity"]


@admin.register(ProjectPick)
class ProjectPickAdmin(ScopedAdmin):
    form = PickForm
    list_display = ["site", "project", "organization", "picked_at"]
    list_select_related = ["site", "project", "organization"]
    autocomplete_fields = ["site", "organization", "activity"]
    add_roles = STAFF

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":  # the library is public: any accepted project
            kwargs["queryset"] = PracticeProject.objects.filter(state="in_library")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return services.pick_project(
            site_id=d["site"].pk,
            project_id=d["project"].pk,
            by=request.user,
            organization=d.get("organization"),
            purpose=d.get("purpose", ""),
            activity=d.get("activity"),
        )


class GrantForm(forms.ModelForm):
    class Meta:
        model = Grant
        fields = ["team", "title", "purpose", "amount"]


@admin.register(Grant)
class GrantAdmin(StepsAdmin):
    form = GrantForm
    list_display = ["title", "team", "amount", "year", "state", "applied_at", "paid_at"]
    list_filter = ["state", "year"]
    list_select_related = ["team"]
    autocomplete_fields = ["team"]
    inlines = [TransitionInline]
    add_roles = STAFF | {Role.ORG_MEMBER}
    actions = ["approve", "reject", "pay"]
    readonly_fields = ["team", "title", "purpose", "amount", "year", "state", "paid_at"]

    def get_fields(self, request, obj=None):
        return ["team", "title", "purpose", "amount"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return services.apply_for_grant(
            team_id=d["team"].pk,
            by=request.user,
            title=d["title"],
            purpose=d["purpose"],
            amount=d["amount"],
        )

    @admin.action(description=_("Approve the selected grants"))
    def approve(self, request, queryset):
        for grant in queryset:
            self.run_service(
                request,
                services.approve_grant,
                grant_id=grant.pk,
                by=request.user,
                note=self.note(request),
            )

    @admin.action(description=_("Reject the selected grants (reason in the note)"))
    def reject(self, request, queryset):
        for grant in queryset:
            self.run_service(
                request,
                services.reject_grant,
                grant_id=grant.pk,
                by=request.user,
                note=self.note(request),
            )

    @admin.action(description=_("Pay the selected grants from the fund"))
    def pay(self, request, queryset):
        for grant in queryset:
            self.run_service(
                request, services.pay_grant, grant_id=grant.pk, by=request.user, note=""
            )


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "topic",
            "kind",
            "teacher",
            "audience",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "credit_hours",
            "area",
        ]


@admin.register(Course)
class CourseAdmin(ScopedAdmin):
    form = CourseForm
    list_display = ["topic", "kind", "audience", "starts_at", "capacity", "credit_hours", "area"]
    list_filter = ["kind", "audience", "state"]
    list_select_related = ["area"]
    search_fields = ["topic"]
    autocomplete_fields = ["area"]
    add_roles = STAFF

    def has_change_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        return services.publish_course(by=request.user, **form.cleaned_data)


class ShortfallLinkMixin:
    """The changelist's tools also lead to who is short of the year's hours (the report
    page, with its own CSV/xlsx): clerks look for it beside enrolments and requirements."""

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is not None:
            link = (_("Who is short of training hours"), reverse("volunteers:training-report"))
            context["export_links"] = [*context.get("export_links", []), link]
        return response


@admin.register(Enrolment)
class EnrolmentAdmin(ShortfallLinkMixin, StepsAdmin):
    list_display = ["person", "course", "audience", "state", "attended_at", "hours"]
    list_filter = ["state", "audience"]
    list_select_related = ["person", "course"]
    actions = ["mark_attended"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Record attendance (earns the course's hours)"))
    def mark_attended(self, request, queryset):
        for enrolment in writable(request.user, queryset):
            self.run_service(
                request, services.record_attendance, enrolment_id=enrolment.pk, by=request.user
            )


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(ShortfallLinkMixin, ReferenceDataAdmin):
    manage_permission = "volunteers.review_district"
    list_display = ["year", "audience", "hours"]
    list_filter = ["year", "audience"]


class ExamResultForm(forms.ModelForm):
    class Meta:
        model = ExamResult
        fields = ["enrolment", "level", "exam_year", "passed"]


@admin.register(ExamResult)
class ExamResultAdmin(ScopedAdmin):
    form = ExamResultForm
    list_display = ["enrolment", "level", "exam_year", "passed"]
    list_filter = ["level", "exam_year", "passed"]
    list_select_related = ["enrolment__person", "enrolment__course"]
    add_roles = STAFF

    def has_change_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "enrolment":
            kwargs["queryset"] = writable(
                request.user, Enrolment.objects.filter(course__kind=Course.Kind.EXAM_PREP)
            ).select_related("person", "course")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return services.record_exam_result(
            enrolment_id=d["enrolment"].pk,
            by=request.user,
            level=d["level"],
            exam_year=d["exam_year"],
            passed=d["passed"],
        )


class BaseForm(forms.ModelForm):
    class Meta:
        model = PracticeBase
        fields = ["name", "university", "area", "organization", "capacity"]


@admin.register(PracticeBase)
class PracticeBaseAdmin(ScopedAdmin):
    form = BaseForm
    list_display = ["university", "name", "area", "capacity"]
    list_select_related = ["area"]
    search_fields = ["name", "university"]
    autocomplete_fields = ["area", "organization"]
    add_roles = STAFF

    def has_change_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        return services.open_practice_base(by=request.user, **form.cleaned_data)


class PlacementForm(forms.ModelForm):
    class Meta:
        model = Placement
        fields = ["base", "student_name", "major", "starts_on", "ends_on"]


@admin.register(Placement)
class PlacementAdmin(ScopedAdmin):
    form = PlacementForm
    list_display = ["student_name", "major", "base", "starts_on", "ends_on"]
    list_select_related = ["base"]
    autocomplete_fields = ["base"]
    add_roles = STAFF

    def has_change_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        d = dict(form.cleaned_data)
        return services.place_student(base_id=d.pop("base").pk, by=request.user, **d)
