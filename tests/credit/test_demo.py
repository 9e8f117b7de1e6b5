"""The credit demo: every star level and grade, some on each list, honours, verified
complaints; a second run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from credit.demo import GRADED, GROUPS
from credit.models import (
    Complaint,
    CreditEvent,
    Evaluation,
    ListEntry,
    Nomination,
    ServiceReview,
    StarRating,
)
from huitian.models import Notification

pytestmark = pytest.mark.django_db


def counts() -> tuple:
    return tuple(
        m.objects.count()
        for m in (
            CreditEvent,
            StarRating,
            Evaluation,
            ListEntry,
            Nomination,
            Complaint,
            ServiceReview,
        )
    )


def test_demo_shows_every_level_and_grade_and_runs_twice(areas):
    call_command("seed_demo", stdout=StringIO())
    before = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == before
    latest = {}
    for rating in StarRating.objects.filter(organization__name__in=[g[0] for g in GROUPS]).order_by(
        "organization_id", "computed_at", "pk"
    ):
        latest[rating.organization.name] = rating.stars
    assert {name: latest[name] for name, *_ in GROUPS} == {g[0]: g[1] for g in GROUPS}
    grades = Evaluation.objects.filter(organization__name__in=[g[0] for g in GRADED])
    assert sorted(grades.values_list("grade", flat=True)) == [1, 2, 3, 4, 5]
    listed = set(ListEntry.objects.filter(state="listed").values_list("kind", flat=True))
    assert listed == {"anomaly", "dishonesty"}
    assert Nomination.objects.filter(state="selected").count() >= 4
    assert Complaint.objects.filter(state="verified").count() == 3
    assert Complaint.objects.filter(state="submitted").count() == 1
    assert Notification.objects.filter(kind="credit.complaint_spike").exists()
