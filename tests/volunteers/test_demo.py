"""The demo: a team per community, past activities with confirmed hours, a copy; idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from huitian.models import Area
from volunteers.models import Activity, Signup, Team, Volunteer

pytestmark = pytest.mark.django_db


def test_demo_covers_the_journey_and_runs_twice(areas):
    call_command("seed_demo", stdout=StringIO())
    counts = (Team.objects.count(), Volunteer.objects.count(), Activity.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (Team.objects.count(), Volunteer.objects.count(), Activity.objects.count()) == counts
    assert "volunteers: 0 teams created" in out.getvalue()
    communities = Area.objects.filter(level="community", is_active=True).count()
    assert Team.objects.filter(kind=Team.Kind.COMMUNITY).count() == communities
    assert (
        Team.objects.get(kind=Team.Kind.COMMUNITY, area__code="110114011001").duty_kinds.count()
        == 8
    )
    now = timezone.now()
    assert Activity.objects.filter(ends_at__lt=now).exists()
    assert Activity.objects.filter(starts_at__gt=now).exists()
    assert Signup.objects.filter(hours_confirmed_at__isnull=False).count() >= 6
    assert Signup.objects.filter(state=Signup.State.WAITLISTED).exists()
    assert Activity.objects.filter(copied_from__isnull=False).exists()


def test_demo_has_projects_grants_and_courses_with_attendance(areas):
    from volunteers import selectors
    from volunteers.models import Course, Enrolment, ExamResult, Grant, Placement, PracticeProject

    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert PracticeProject.objects.filter(state="in_library").count() == 3
    assert PracticeProject.objects.filter(state="submitted").count() == 1
    assert selectors.project_library().first().picks.exists()
    assert set(Grant.objects.values_list("state", flat=True)) == {"paid", "approved", "submitted"}
    figures = selectors.fund_figures()
    assert figures["balance"] == 47000 and figures["committed"] == 1500
    assert Course.objects.count() == 4
    assert Enrolment.objects.filter(attended_at__isnull=False).count() == 6
    assert ExamResult.objects.filter(passed=True).count() == 2
    assert Placement.objects.count() == 2
    assert "projects in the library" in out.getvalue()
