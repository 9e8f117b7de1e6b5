from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from huitian.access import has_role, is_staff_user
from huitian.admin_base import ReferenceDataAdmin, ScopedAdmin
from huitian.models import (
    Area,
    CalendarDay,
    CalendarYear,
    Category,
    Notification,
    Role,
    RoleAssignment,
    User,
)
from huitian.selectors import users_visible_to


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        # Codes are official identifiers; a wrong one is fixed by retiring and re-adding.
        return ["code", "level", "parent"] if obj else []

    def has_add_permission(self, request):
        return request.user.has_perm("huitian.manage_areas")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("huitian.manage_areas")


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "area", "organization", "is_active"]
    autocomplete_fields = ["area", "organization"]

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser or has_role(request.user, Role.DISTRICT_ADMIN)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    """Accounts. District admins manage everyone; other staff see the users of their area."""

    inlines = [RoleAssignmentInline]
    list_display = ["username", "last_name", "first_name", "email", "is_staff", "is_active"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Contact"), {"fields": ["phone"]}),
    )

    def get_queryset(self, request):
        return users_visible_to(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return is_staff_user(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)

    def has_add_permission(self, request):
        return request.user.is_superuser or has_role(request.user, Role.DISTRICT_ADMIN)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or has_role(request.user, Role.DISTRICT_ADMIN)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only superusers hand out superuser status or raw Django permissions.
        cleaned = []
        for title, opts in fieldsets:
            fields = [
                f
                for f in opts.get("fields", [])
                if f not in ("is_superuser", "user_permissions", "groups")
            ]
            cleaned.append((title, {**opts, "fields": fields}))
        return cleaned


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ["date", "kind", "name"]

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("huitian.manage_calendar")

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


@admin.register(CalendarYear)
class CalendarYearAdmin(ReferenceDataAdmin):
    """Working-day calendar: enter next year's schedule when the State Council publishes it."""

    manage_permission = "huitian.manage_calendar"
    deletable = True
    inlines = [CalendarDayInline]
    list_display = ["year", "source", "notice", "entered_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = CalendarYear.Source.STAFF
        super().save_model(request, obj, form, change)
        cache.delete_many([f"huitian:calendar-warnings:{code}" for code in ("zh-hans", "en")])

    def get_readonly_fields(self, request, obj=None):
        return ["source"]


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_select_related = ["recipient"]

    def has_add_permission(self, request):
        return False


@admin.register(Category)
class CategoryAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "parent", "is_priority", "is_active", "sort_order"]
    list_filter = ["is_priority", "is_active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
