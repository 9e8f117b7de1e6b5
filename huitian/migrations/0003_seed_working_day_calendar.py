"""Enter the working-day calendar for every year the chinesecalendar package covers.

Later years are entered by staff in the admin when the State Council publishes them.
"""

from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarYear = apps.get_model("huitian", "CalendarYear")
    CalendarDay = apps.get_model("huitian", "CalendarDay")
    by_year: dict[int, list] = {}
    for day, name in chinese_calendar.holidays.items():
        by_year.setdefault(day.year, []).append((day, "holiday", name))
    for day, name in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            by_year.setdefault(day.year, []).append((day, "workday", name))
    entered = set(CalendarYear.objects.values_list("year", flat=True))
    for year in sorted(set(by_year) - entered):
        cal_year = CalendarYear.objects.create(year=year, source="package")
        CalendarDay.objects.bulk_create(
            [CalendarDay(year=cal_year, date=d, kind=k, name=str(n or "")) for d, k, n in by_year[year]]
        )


class Migration(migrations.Migration):
    dependencies = [("huitian", "0002_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
