"""Length limits of free text that the database holds too, not only the services.

A `TextField`'s `max_length` is a form hint only; these CHECK constraints make a
bulk `.update()`, a raw import or a forgotten door fail instead of storing more.
The services check the same limits first (`huitian.validators.check_lengths`) so a
person reads which field is too long, by how much.
"""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

NEED_TEXT = 2000
NEED_COMMENT = 1000
OFFER_DESCRIPTION = 2000
WHISTLE_PROBLEM = 2000
WHISTLE_BRINGS = 1000
SERVICE_STANDARD = 4000


def at_most(field: str, limit: int, *, name: str) -> models.CheckConstraint:
    """CHECK (char_length(field) <= limit): characters, not bytes, on every backend."""
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), limit), name=name)
