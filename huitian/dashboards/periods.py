"""Dashboard periods: what `?period=` may say (month, quarter, year, custom) and the
bounds a selector filters on (`Period.q`, `Period.q_date`)."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, custom
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "custom":
            return f"{self.start.isoformat()} – {self.end.isoformat()}"
        return self.key

    @property
    def lo(self) -> datetime.datetime:
        tz = timezone.get_current_timezone()
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)

    @property
    def hi(self) -> datetime.datetime:
        """The first instant after the period (exclusive bound)."""
        tz = timezone.get_current_timezone()
        day_after = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time.min, tzinfo=tz)

    def a_year_earlier(self) -> "Period":
        return Period(self.kind, _minus_year(self.start), _minus_year(self.end))

    def q(self, lookup: str) -> Q:
        """Rows whose datetime `lookup` falls in the period."""
        return Q(**{f"{lookup}__gte": self.lo, f"{lookup}__lt": self.hi})

    def q_date(self, lookup: str) -> Q:
        return Q(**{f"{lookup}__gte": self.start, f"{lookup}__lte": self.end})


def _minus_year(day: datetime.date) -> datetime.date:
    last = calendar.monthrange(day.year - 1, day.month)[1]
    return day.replace(year=day.year - 1, day=min(day.day, last))


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


class BadParameter(ValueError):
    def __init__(self, name: str, message):
        super().__init__(str(message))
        self.name = name
        self.message = message


def parse_period(text: str | None, *, today: datetime.date | None = None) -> Period:
    """`2026-11` (month), `2026-Q4`, `2026`, `2026-01-01..2026-03-31`; default: this year."""
    today = today or timezone.localdate()
    text = (text or "").strip()
    try:
        if not text:
            period = Period(
                "year", datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
            )
        elif m := _MONTH.match(text):
            y, mo = int(m[1]), int(m[2])
            last = calendar.monthrange(y, mo)[1]
            period = Period("month", datetime.date(y, mo, 1), datetime.date(y, mo, last))
        elif m := _QUARTER.match(text):
            y, qn = int(m[1]), int(m[2])
            first = 3 * (qn - 1) + 1
            last = calendar.monthrange(y, first + 2)[1]
            period = Period(
                "quarter", datetime.date(y, first, 1), datetime.date(y, first + 2, last)
            )
        elif m := _YEAR.match(text):
            y = int(m[1])
            period = Period("year", datetime.date(y, 1, 1), datetime.date(y, 12, 31))
        elif m := _CUSTOM.match(text):
            start = datetime.date.fromisoformat(m[1])
            end = datetime.date.fromisoformat(m[2])
            if end < start:
                raise BadParameter("period", _("The period ends before it starts."))
            if (end - start).days > 366 * 5:
                raise BadParameter("period", _("A custom period is at most five years."))
            period = Period("custom", start, end)
        else:
            raise BadParameter(
                "period", _("Give a month (2026-11), quarter (2026-Q4), year or start..end.")
            )
    except ValueError as exc:
        if isinstance(exc, BadParameter):
            raise
        raise BadParameter("period", _("That is not a date.")) from exc
    if not (period.start >= EARLIEST and period.end <= LATEST):
        raise BadParameter("period", _("Give a period from 2000 to 2100."))
    return period
