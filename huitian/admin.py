from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from huitian.access import has_role, is_staff_user, sees_contacts
from huitian.admin_base import (
    DeclaredLookupsMixin,
    ReadOnlyHistoryMixin,
    ReferenceDataAdmin,
    ScopedAdmin,
)
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


def may_manage_account(user, account=None) -> bool:
    """District administrators manage accounts; only superusers touch a superuser."""
    if user.is_superuser:
        return True
    if account is not None and account.is_superuser:
        return False
    return has_role(user, Role.DISTRICT_ADMIN)


def may_list_users(user) -> bool:
    """Area staff look users up; the evaluator (an outside party) gets no user list."""
    return is_staff_user(user) and sees_contacts(user)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ["role", "area", "organization", "is_active"]
    autocomplete_fields = ["area", "organization"]

    def has_view_permission(self, request, obj=None):
        return may_list_users(request.user)

    def has_add_permission(self, request, obj=None):
        return may_manage_account(request.user, obj)

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


@admin.register(User)
class UserAdmin(ReadOnlyHistoryMixin, DeclaredLookupsMixin, DjangoUserAdmin, SimpleHistoryAdmin):
    """Accounts. District admins manage everyone but superusers; other staff see the
    users of their area; every page (history, password) goes through `users_visible_to`."""

    inlines = [RoleAssignmentInline]
    list_display = ["username", "last_name", "first_name", "email", "is_staff", "is_active"]
    # Lookups on phone or e-mail would recover them for whoever sees them masked.
    masked_fields = ("phone", "email")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Contact"), {"fields": ["phone"]}),
    )

    def get_queryset(self, request):
        return users_visible_to(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return may_list_users(request.user)

    def has_view_permission(self, request, obj=None):
        if not may_list_users(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return may_manage_account(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.has_view_permission(request, obj):
            return False
        return may_manage_account(request.user, obj)

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
    """Sent messages, read-only: nobody edits one (the recipient marks it read elsewhere)."""

    list_display = ["title", "recipient", "kind_in_words", "created_at", "read_at"]
    list_select_related = ["recipient"]
    list_filter = ["kind"]

    @admin.display(description=pgettext_lazy("notification", "kind"), ordering="kind")
    def kind_in_words(self, obj):
        from huitian.notice_kinds import kind_label

        return kind_label(obj.kind)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "parent", "is_priority", "is_active", "sort_order"]
    list_filter = ["is_priority", "is_active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]


from huitian import admin_ledger  # noqa: E402, F401  (the ledger's read-only screens)
