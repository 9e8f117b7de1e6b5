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
