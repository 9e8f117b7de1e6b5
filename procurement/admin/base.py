"""What the procurement admins share."""

from huitian.admin_base import ScopedAdmin

CHANGE_LIST = "admin/procurement/change_list.html"


class ProcurementAdmin(ScopedAdmin):
    change_list_template = CHANGE_LIST

    def get_inline_instances(self, request, obj=None):
        # The inlines show a record's workflow steps: a record being added has none yet.
        return [] if obj is None else super().get_inline_instances(request, obj)


class RecordOnlyAdmin(ProcurementAdmin):
    """Records that only services create and steps change: staff read them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
