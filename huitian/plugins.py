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
