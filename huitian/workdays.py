"""Working days (工作日) on the calendar table (K3).

A day is a working day when it is Monday–Friday and not a public holiday, or
when it is an adjusted working weekend (调休). Years nobody has entered fall
back to Monday–Friday; `missing_years` and `schedule_warnings` let screens say so.
"""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.models import CalendarDay, CalendarYear

ONE_DAY = datetime.timedelta(days=1)


class WorkingCalendar:
    """Answers many questions with one query per year touched (use it in loops and queues)."""

    def __init__(self):
        self._years: dict[int, tuple[bool, dict[datetime.date, bool]]] = {}

    def _year(self, year: int) -> tuple[bool, dict[datetime.date, bool]]:
        if year not in self._years:
            entered = CalendarYear.objects.filter(year=year).exists()
            days = {}
            if entered:
                days = {
                    d: kind == CalendarDay.Kind.ADJUSTED_WORKDAY
                    for d, kind in CalendarDay.objects.filter(year__year=year).values_list(
                        "date", "kind"
                    )
                }
            self._years[year] = (entered, days)
        return self._years[year]

    def preload(self, years: Iterable[int]) -> "WorkingCalendar":
        wanted = sorted(set(years) - set(self._years))
        if wanted:
            entered = set(
                CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True)
            )
            days: dict[int, dict] = {y: {} for y in wanted}
            for d, kind in CalendarDay.objects.filter(year__year__in=entered).values_list(
                "date", "kind"
            ):
                days[d.year][d] = kind == CalendarDay.Kind.ADJUSTED_WORKDAY
            for y in wanted:
                self._years[y] = (y in entered, days[y])
        return self

    def is_entered(self, year: int) -> bool:
        return self._year(year)[0]

    def is_working_day(self, day: datetime.date) -> bool:
        _entered, exceptions = self._year(day.year)
        if day in exceptions:
            return exceptions[day]
        return day.weekday() < 5

    def add_working_days(self, day: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `day` (before it when n < 0); `day` itself is not counted."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        current = day
        while remaining:
            current += step
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]; negative when end is before start (days overdue)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        lo, hi = (start, end) if sign == 1 else (end, start)
        count = 0
        current = lo + ONE_DAY
        while current <= hi:
            if self.is_working_day(current):
                count += 1
            current += ONE_DAY
        return sign * count

    def missing_years(self, start: datetime.date, end: datetime.date) -> list[int]:
        years = range(min(start.year, end.year), max(start.year, end.year) + 1)
        self.preload(years)
        return [y for y in years if not self.is_entered(y)]


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar().is_working_day(day)


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    return WorkingCalendar().add_working_days(day, n)


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    return WorkingCalendar().working_days_between(start, end)


def missing_years(start: datetime.date, end: datetime.date) -> list[int]:
    return WorkingCalendar().missing_years(start, end)


def schedule_warnings(today: datetime.date | None = None) -> list[str]:
    """Warnings for staff: deadlines soon may fall in a year whose schedule nobody has entered."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.CALENDAR_WARNING_HORIZON_DAYS)
    return [
        _(
            "The working-day schedule for %(year)s has not been entered: deadlines in %(year)s "
            "count Monday to Friday only. Enter the State Council's holiday schedule under "
            "“Working-day calendar years”."
        )
        % {"year": year}
        for year in missing_years(today, horizon)
    ]
