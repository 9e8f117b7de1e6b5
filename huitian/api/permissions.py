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
    opt out for named actions with `read_only_roles_may = {"action_name", …}`. The
    kernel router keeps it on every viewset, whatever it declares (huitian/api/guard.py).
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
