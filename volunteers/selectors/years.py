"""The calendar year as the reports count it (local time)."""

import datetime

from django.utils import timezone


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `year` and of the next one (half-open)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )
