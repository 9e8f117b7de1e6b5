import contextlib

from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from huitian.workdays import schedule_warnings


def platform(request):
    """Calendar warnings for staff on admin pages (cached briefly; one query when not)."""
    warnings = []
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and user.is_staff
        and request.path.startswith("/admin/")
    ):
        try:
            warnings = cache.get(f"huitian:calendar-warnings:{get_language()}")
        except Exception:  # the cache (Redis) being down must not break the admin
            warnings = None
        if warnings is None:
            warnings = schedule_warnings()
            with contextlib.suppress(Exception):
                cache.set(f"huitian:calendar-warnings:{get_language()}", warnings, 300)
    return {"calendar_warnings": warnings, "portal": SimpleLazyObject(lambda: portal_roles(user))}


def portal_roles(user) -> dict:
    """What the portal shows this person: staff tools, their organization, their needs.

    Read when a page asks (the navigation does), from the role assignments the
    scoping door already reads once per request.
    """
    from huitian.access import grants, is_staff_user
    from huitian.models import Role

    if user is None or not user.is_authenticated:
        return {"staff": False, "member": False, "resident": False}
    staff = bool(user.is_staff or is_staff_user(user))
    member = any(g.role == Role.ORG_MEMBER for g in grants(user))
    return {"staff": staff, "member": member, "resident": not staff}
