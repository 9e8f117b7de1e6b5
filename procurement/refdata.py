"""Per-process caches of small reference tables read on every submission.

Communities, categories, deadlines and the working calendar change rarely (staff
edits in the admin); a submission should not pay four round trips for them.
Entries live `TTL` seconds, so an edit applies everywhere within a minute.
"""

import threading
import time

TTL = 60.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, object]] = {}


def _get(key: str, load):
    now = time.monotonic()
    hit = _cache.get(key)
    if hit and now - hit[0] < TTL:
        return hit[1]
    value = load()
    with _lock:
        _cache[key] = (now, value)
    return value


def clear() -> None:
    with _lock:
        _cache.clear()


def communities() -> dict:
    from huitian.models import Area

    return _get(
        "communities",
        lambda: {
            a.code: a
            for a in Area.objects.filter(level=Area.Level.COMMUNITY, is_active=True).select_related(
                "parent"
            )
        },
    )


def categories() -> dict:
    from huitian.models import Category

    return _get("categories", lambda: {c.code: c for c in Category.objects.filter(is_active=True)})


def category_names() -> dict:
    """Every category's name by id, inactive ones too (old needs keep theirs)."""
    from huitian.models import Category

    return _get("category-names", lambda: dict(Category.objects.values_list("pk", "name")))


def deadlines() -> dict:
    from procurement.models import CategoryDeadline

    return _get(
        "deadlines",
        lambda: {
            d.category_id: (d.response_days, d.resolution_days)
            for d in CategoryDeadline.objects.all()
        },
    )


def calendar():
    from huitian.workdays import WorkingCalendar

    return _get("calendar", WorkingCalendar)
