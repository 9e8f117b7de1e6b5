"""Staff screens for volunteers, teams, activities and sign-ups, scoped by area.

Writes go through the services: teams are created by `create_team`, activities by
`publish_activity`; memberships and sign-ups change only by their actions (leader,
end membership, confirm hours). Volunteers register themselves; staff read them,
the ID number as its last four and the phone masked in lists.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import ReferenceDataAdmin, ScopedAdmin
from huitian.models import Role
from volunteers import services
from volunteers.admin.actions import NoteActionForm
from volunteers.models import Activity, DutyKind, Membership, Signup, Team, Volunteer

ORGANIZER_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.FEDERATION_STAFF, Role.COMMUNITY_STAFF}
)


class RecordAdmin(ScopedAdmin):
    """Rows that only services create and actions change."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DutyKind)
class DutyKindAdmin(ReferenceDataAdmin):
    list_display = ["name", "order", "is_active"]
    list_filter = ["is_active"]


@admin.register(Volunteer)
class VolunteerAdmin(RecordAdmin):
    list_display = ["real_name", "id_number", "phone_masked", "community", "registered_at"]
    list_select_related = ["community"]
    search_fields = ["real_name"]
    masked_fields = ("phone", "id_last4", "id_number_digest", "birth_date")
    fields = [
        "real_name",
        "id_number",
        "phone_masked",
        "community",
        "skills",
        "availability",
        "registered_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("Identity card number"))
    def id_number(self, obj):
        return obj.masked_id

    @admin.display(description=_("Phone"))
    def phone_masked(self, obj):
        return obj.masked_phone


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "area", "organization", "duty_kinds"]


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    form = TeamForm
    list_display = ["name", "kind", "area", "organization"]
    list_filter = ["kind"]
    list_select_related = ["area", "organization"]
    search_fields = ["name"]
    autocomplete_fields = ["area", "organization"]
    add_roles = ORGANIZER_ROLES | {Role.ORG_MEMBER}

    def has_change_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return services.create_team(
            by=request.user,
            name=d["name"],
            kind=d["kind"],
            area=d["area"],
            organization=d.get("organization"),
            duty_kinds=list(d.get("duty_kinds") or []),
        )


@admin.register(Membership)
class MembershipAdmin(RecordAdmin):
    list_display = ["volunteer", "team", "role", "joined_at", "left_at"]
    list_filter = ["role"]
    list_select_related = ["volunteer", "team"]
    actions = ["make_leader", "end_membership"]

    @admin.action(description=_("Make team leader"))
    def make_leader(self, request, queryset):
        for membership in self.writable_queryset(request, queryset):
            self.run_service(
                request, services.appoint_leader, membership_id=membership.pk, by=request.user
            )

    @admin.action(description=_("End membership"))
    def end_membership(self, request, queryset):
        for membership in self.writable_queryset(request, queryset):
            self.run_service(
                request, services.leave_team, membership_id=membership.pk, by=request.user
            )


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "category",
            "place",
            "community",
            "starts_at",
            "ends_at",
            "places",
            "skills_wanted",
            "min_age",
            "team",
            "organization",
        ]


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    form = ActivityForm
    list_display = ["title", "community", "starts_at", "places", "state", "copied_from"]
    list_filter = ["category", "state"]
    list_select_related = ["community", "copied_from"]
    search_fields = ["title"]
    autocomplete_fields = ["community", "team", "organization"]
    add_roles = ORGANIZER_ROLES | {Role.ORG_MEMBER}
    actions = ["cancel"]

    action_form = NoteActionForm

    def get_readonly_fields(self, request, obj=None):
        # Where and by whom stays; the rest is edited through `edit_activity`.
        return [] if obj is None else ["community", "team", "organization", "state"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.has_perm("volunteers.organize_activity", obj):
            return False
        return super().has_change_permission(request, obj)

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return services.publish_activity(by=request.user, **d)

    def change_with_service(self, request, obj, form):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in services.EDITABLE}
        return services.edit_activity(activity_id=obj.pk, by=request.user, **changes)

    @admin.action(description=_("Cancel the selected activities (reason in the note)"))
    def cancel(self, request, queryset):
        for activity in self.writable_queryset(request, queryset):
            self.run_service(
                request,
                services.cancel_activity,
                activity_id=activity.pk,
                by=request.user,
                reason=request.POST.get("note", ""),
            )


@admin.register(Signup)
class SignupAdmin(RecordAdmin):
    list_display = [
        "volunteer",
        "activity",
        "state",
        "checked_in_at",
        "checked_out_at",
        "hours",
        "hours_confirmed_at",
    ]
    list_filter = ["state"]
    list_select_related = ["volunteer", "activity"]
    actions = ["confirm_hours"]

    @admin.action(description=_("Confirm the recorded hours"))
    def confirm_hours(self, request, queryset):
        for signup in self.writable_queryset(request, queryset):
            self.run_service(request, services.confirm_hours, signup_id=signup.pk, by=request.user)


from volunteers.admin import library  # noqa: E402,F401  (registers its admins)
