"""The ledger's staff screens: read-only for everybody, superusers included.

Money moves only through `huitian.ledger.post()` (called by the apps' services);
no admin door adds, edits or deletes an account's balance, a movement or an entry.
"""

from django.contrib import admin

from huitian.access import is_staff_user, visible
from huitian.admin_base import DeclaredLookupsMixin, ReadOnlyHistoryMixin
from huitian.models import LedgerAccount, LedgerEntry, LedgerMovement


class ReadOnlyLedgerAdmin(ReadOnlyHistoryMixin, DeclaredLookupsMixin, admin.ModelAdmin):
    list_per_page = 50

    def get_queryset(self, request):
        return visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return is_staff_user(request.user)

    def has_view_permission(self, request, obj=None):
        if not is_staff_user(request.user):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ["credit", "debit", "amount"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("debit", "credit")


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyLedgerAdmin):
    list_display = ["code", "name", "kind", "area", "balance", "currency"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    list_select_related = ["area"]
    readonly_fields = ["code", "name", "kind", "area", "currency", "balance", "opened_at"]
    fields = readonly_fields


@admin.register(LedgerMovement)
class LedgerMovementAdmin(ReadOnlyLedgerAdmin):
    list_display = ["pk", "kind", "at", "by", "area", "note", "reverses"]
    list_filter = ["kind"]
    list_select_related = ["by", "area", "reverses"]
    date_hierarchy = "at"
    readonly_fields = ["kind", "at", "by", "area", "note", "reverses", "cause_type", "cause_id"]
    fields = readonly_fields
    inlines = [LedgerEntryInline]
