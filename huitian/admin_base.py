"""What every staff screen shares: scoped lists, role-based permissions, history.

`ScopedAdmin.get_queryset` goes through `huitian.access.visible`, so a street
clerk's change list holds only their street; change/delete permissions go
through `writable`, so the auditor and evaluators read but never change.
Django's per-model permission tables are not used for staff: roles are.
"""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from huitian.access import can_change, grants, is_staff_user, visible, writable
from huitian.models import Transition
from huitian.workflow import WorkflowError


def may_write_somewhere(user) -> bool:
    return user.is_superuser or any(g.is_staff and g.can_write for g in grants(user))


class ScopedAdmin(SimpleHistoryAdmin):
    # Which staff may add rows here (None: any writing staff role).
    add_roles: frozenset | None = None
    list_per_page = 50

    def get_queryset(self, request):
        return visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return is_staff_user(request.user)

    def has_view_permission(self, request, obj=None):
        if not is_staff_user(request.user):
            return False
        return (
            obj is None
            or visible(request.user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
        )

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return True
        if self.add_roles is None:
            return may_write_somewhere(request.user)
        return any(g.role in self.add_roles for g in grants(request.user))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return may_write_somewhere(request.user)
        return request.user.is_superuser or can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Domain records are retired through their workflows, not deleted.
        return request.user.is_superuser

    def writable_queryset(self, request, queryset):
        return writable(request.user, queryset)

    def run_service(self, request, func, *args, success: str = "", **kwargs):
        """Call a service from an admin action and turn refusals into messages."""
        try:
            result = func(*args, **kwargs)
        except WorkflowError as exc:
            self.message_user(request, str(exc.detail), messages.ERROR)
            return None
        except PermissionDenied as exc:
            self.message_user(request, str(getattr(exc, "detail", exc)) or "403", messages.ERROR)
            return None
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return None
        if success:
            self.message_user(request, success, messages.SUCCESS)
        return result


class TransitionInline(GenericTabularInline):
    """The recorded workflow steps of a record, read-only."""

    model = Transition
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ["at", "step", "from_state", "to_state", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


admin_site = admin.site
