"""How domain apps plug into the kernel without editing it (see README, Architecture)."""

from importlib import import_module
from types import ModuleType


def app_module(app: str, name: str) -> ModuleType | None:
    """`<app>.<name>` if the app has that module; None if it does not.

    An import error *inside* an existing module is raised, not hidden.
    """
    try:
        return import_module(f"{app}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.{name}":
            raise
        return None


def declared_schedule() -> dict[str, dict]:
    """The periodic jobs the kernel and each domain app declare in their `schedule.py`.

    Plain data, `BEAT_SCHEDULE = {name: {"task": ..., "schedule": ..., ...}}`, installed
    into django-celery-beat's tables by `manage.py install_schedule`.
    """
    from django.conf import settings

    entries: dict[str, dict] = {}
    for app in ["huitian", *settings.DOMAIN_APPS]:
        module = app_module(app, "schedule")
        if module is not None:
            entries.update(module.BEAT_SCHEDULE)
    return entries
