"""Working days: holidays and adjusted working weekends (调休) both count (K3)."""

import datetime as dt

import pytest
import time_machine

from huitian.models import CalendarDay, CalendarYear
from huitian.workdays import (
    WorkingCalendar,
    add_working_days,
    is_working_day,
    missing_years,
    schedule_warnings,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = dt.date


def test_national_day_week_is_not_working_and_adjusted_saturday_is(areas):
    # 2026: 1–7 October off; Sunday 20 Sept and Saturday 10 Oct are worked (调休).
    assert not is_working_day(D(2026, 10, 1))
    assert not is_working_day(D(2026, 10, 7))
    assert is_working_day(D(2026, 10, 10))  # a Saturday
    assert is_working_day(D(2026, 9, 20))  # a Sunday
    assert not is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_ten_working_days_across_national_day(areas):
    # Accepted Wed 30 Sept 2026: the clock skips 1–7 Oct, counts Thu 8, Fri 9,
    # Sat 10 (adjusted), then Mon 12 … Fri 16, Mon 19, Tue 20.
    assert add_working_days(D(2026, 9, 30), 10) == D(2026, 10, 20)


def test_spring_festival_2026(areas):
    # 15–23 Feb 2026 off; Sat 14 Feb and Sat 28 Feb worked.
    assert is_working_day(D(2026, 2, 14))
    assert not is_working_day(D(2026, 2, 16))
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_working_days_between_counts_forward_and_overdue(areas):
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 20)) == 10
    assert working_days_between(D(2026, 10, 20), D(2026, 9, 30)) == -10
    assert working_days_between(D(2026, 11, 2), D(2026, 11, 2)) == 0


def test_negative_offsets_walk_back_over_holidays(areas):
    assert add_working_days(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_year_nobody_entered_falls_back_to_monday_to_friday_with_a_warning(areas):
    assert missing_years(D(2026, 12, 1), D(2027, 1, 31)) == [2027]
    # 1 Jan 2027 is a Friday: without a schedule it counts as a working day.
    assert is_working_day(D(2027, 1, 1))
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)):
        warnings = schedule_warnings()
    assert len(warnings) == 1 and "2027" in warnings[0]


def test_staff_entering_next_year_changes_deadlines(areas):
    year = CalendarYear.objects.create(year=2027, source=CalendarYear.Source.STAFF)
    CalendarDay.objects.create(
        year=year, date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦"
    )
    assert not is_working_day(D(2027, 1, 1))
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert missing_years(D(2026, 12, 1), D(2027, 1, 31)) == []
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)):
        assert schedule_warnings() == []


def test_one_calendar_answers_a_queue_with_one_query_per_year(areas, django_assert_max_num_queries):
    cal = WorkingCalendar().preload([2026])
    with django_assert_max_num_queries(0):
        dues = [cal.add_working_days(D(2026, 9, 1) + dt.timedelta(days=i), 10) for i in range(60)]
    assert dues[29] == D(2026, 10, 20)  # 30 Sept + 10 working days, as above


def test_adjusted_working_day_must_be_a_weekend(areas):
    from django.core.exceptions import ValidationError

    year = CalendarYear.objects.create(year=2027, source=CalendarYear.Source.STAFF)
    day = CalendarDay(year=year, date=D(2027, 2, 3), kind=CalendarDay.Kind.ADJUSTED_WORKDAY)
    with pytest.raises(ValidationError) as err:
        day.full_clean()
    assert "kind" in err.value.message_dict


def test_admin_shows_missing_year_warning_to_staff(cast, client_as):
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)):
        page = client_as(cast.street_a).get("/admin/")
    assert page.status_code == 200
    assert "2027 年的节假日安排尚未录入" in page.content.decode()


def test_district_admin_enters_next_year_in_admin_and_street_staff_cannot(cast, client_as):
    form = {
        "year": "2027",
        "notice": "国办发明电〔2026〕X号",
        "days-TOTAL_FORMS": "1",
        "days-INITIAL_FORMS": "0",
        "days-0-date": "2027-01-01",
        "days-0-kind": "holiday",
        "days-0-name": "元旦",
    }
    refused = client_as(cast.street_a).post("/admin/huitian/calendaryear/add/", form)
    assert refused.status_code == 403
    done = client_as(cast.district).post("/admin/huitian/calendaryear/add/", form)
    assert done.status_code == 302
    entered = CalendarYear.objects.get(year=2027)
    assert entered.source == CalendarYear.Source.STAFF
    assert not is_working_day(D(2027, 1, 1))
