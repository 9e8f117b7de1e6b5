"""Date arithmetic of the credit rules (full years and months, 29 February safe)."""

import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)
