import contextlib

from django.core.cache import cache
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
    return {"calendar_warnings": warnings}
