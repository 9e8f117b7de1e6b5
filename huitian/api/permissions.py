"""Kernel permissions every API door shares (configured as DRF defaults in settings)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from huitian.access import grants
from huitian.models import READ_ONLY_ROLES


def holds_only_read_only_roles(user) -> bool:
    """The user's every active role is read-only (auditor, evaluator).

    A user who also holds a writing role (a resident, an organization member, a clerk)
    may write in that capacity: the services' own rules decide what. Superusers and
    accounts with no role at all are not read-only here (other rules apply to them).
    """
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return False
    held = grants(user)
    return bool(held) and all(g.role in READ_ONLY_ROLES for g in held)


class ReadOnlyRolesWriteNothing(BasePermission):
    """Refuses every POST, PUT, PATCH and DELETE from a user whose roles are all read-only.

    A view that writes only the caller's own personal state (not a domain record) may
    opt out for named actions with `read_only_roles_may = {"action_name", …}`.
    """

    message = _(
        "Your role (auditor or third-party evaluator) is read-only: it can look, "
        "but not submit or change anything."
    )
    code = "read_only_role"

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if getattr(view, "action", None) in getattr(view, "read_only_roles_may", ()):
            return True
        return not holds_only_read_only_roles(request.user)


class ReadOnlyGuard:
    """Viewset mixin: the read-only guard on top of whatever permissions the view declares.

    `permission_classes = [AllowAny]` or a `get_permissions()` override replaces DRF's
    defaults, and with them the guard; the kernel's router puts every plugged-in
    viewset behind this mixin (see `guarded`), so no override can drop it.
    """

    def get_permissions(self):
        chosen = list(super().get_permissions())
        if not any(isinstance(p, ReadOnlyRolesWriteNothing) for p in chosen):
            chosen.append(ReadOnlyRolesWriteNothing())
        return chosen


# Record ids are whole numbers (BigAutoField everywhere): "abc" never reaches a view.
# (A path converter, so the schema still says "integer"; the router uses path().)
NUMERIC_ID = "int"


def guarded(viewset: type) -> type:
    """`viewset` behind `ReadOnlyGuard`, under the same name, module and docstring.

    Its detail routes also take numeric ids only (unless it looks records up by another
    field or declares its own pattern), so a non-numeric id is the API's plain 404 on
    every custom action too, whether or not the action fetches through the scoping door.
    """
    if issubclass(viewset, ReadOnlyGuard):
        return viewset
    attrs = {
        "__module__": viewset.__module__,
        "__qualname__": viewset.__qualname__,
        "__doc__": viewset.__doc__,
    }
    if (
        getattr(viewset, "lookup_field", "pk") == "pk"
        and not getattr(viewset, "lookup_value_regex", None)
        and not getattr(viewset, "lookup_value_converter", None)
    ):
        attrs["lookup_value_converter"] = NUMERIC_ID
    return type(viewset.__name__, (ReadOnlyGuard, viewset), attrs)
