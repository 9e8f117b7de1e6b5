"""The volunteers API for the 回天有我 app: list with filters, sign-up, check-in, my record."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import api_as
from tests.queries import assert_pinned
from tests.volunteers.factories import activity, volunteer
from volunteers import services
from volunteers.models import Activity, Signup

pytestmark = pytest.mark.django_db
URL = "/api/v1/activities/"


def test_list_filters_and_pinned_queries(cast):
    a1 = activity(cast.community_a1, places=1)
    b1 = activity(
        cast.community_b1,
        community=cast.area("110114008001"),
        category=Activity.Category.ELDERLY,
        starts_in=datetime.timedelta(days=10),
    )
    client = api_as(cast.resident)
    ids = lambda r: [row["id"] for row in r.json()["results"]]  # noqa: E731
    r = client.get(URL)
    assert r.status_code == 200 and ids(r) == [a1.pk, b1.pk]
    assert r.json()["results"][0]["places_left"] == 1
    assert ids(client.get(URL, {"community": cast.area("110114008001").pk})) == [b1.pk]
    assert ids(client.get(URL, {"category": "elderly"})) == [b1.pk]
    later = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    assert ids(client.get(URL, {"date_from": later})) == [b1.pk]
    assert ids(client.get(URL, {"date_to": later})) == [a1.pk]
    volunteer(cast.resident_other)
    services.sign_up(activity_id=a1.pk, by=cast.resident_other)
    assert ids(client.get(URL, {"has_places": "true"})) == [b1.pk]
    assert ids(client.get(URL, {"has_places": "false"})) == [a1.pk]
    assert client.get(URL, {"category": "nonsense"}).status_code == 400
    # anonymous residents read published activities too (public)
    assert api_as(None).get(URL).status_code == 200

    def grow():
        for _ in range(3):
            activity(cast.community_a1, starts_in=datetime.timedelta(days=20))

    assert_pinned(lambda: client.get(URL), grow, expected=2)  # count + page


def test_signup_is_idempotent_and_refusals_are_409(cast):
    a = activity(cast.community_a1, places=1)
    volunteer(cast.resident)
    client = api_as(cast.resident)
    url = f"{URL}{a.pk}/signups/"
    r = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert r.status_code == 201 and r.json()["state"] == "confirmed"
    again = client.post(url, {}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201 and again.json()["id"] == r.json()["id"]
    assert Signup.objects.filter(activity=a).count() == 1
    twice = client.post(url, {}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_signed_up"
    assert api_as(cast.nobody).post(url, {}, format="json").json()["code"] == "not_a_volunteer"
    assert api_as(None).post(url, {}, format="json").status_code in (401, 403)
    assert client.post(f"{URL}999999/signups/", {}, format="json").status_code == 404


def test_checkin_with_the_code_then_organizer_checks_out(cast):
    a = activity(cast.community_a1, starts_in=datetime.timedelta(minutes=30))
    volunteer(cast.resident)
    s = services.sign_up(activity_id=a.pk, by=cast.resident)
    url = f"{URL}{a.pk}/checkins/"
    with time_machine.travel(a.starts_at, tick=False):
        code = services.issue_checkin_code(activity_id=a.pk, by=cast.community_a1).code
        r = api_as(cast.resident).post(url, {"code": code}, format="json")
        assert r.status_code == 200 and r.json()["checked_in_at"]
        r = api_as(cast.resident).post(url, {"code": code, "action": "out"}, format="json")
        assert r.status_code == 409 and r.json()["code"] == "code_used"
        r = api_as(cast.resident).post(url, {}, format="json")
        assert r.status_code == 400 and "code" in r.json()["fields"]
        # staff of another area: the activity is public, the sign-up is not theirs
        r = api_as(cast.community_b1).post(url, {"signup": s.pk, "action": "out"}, format="json")
        assert r.status_code == 404
        r = api_as(cast.auditor).post(url, {"signup": s.pk, "action": "out"}, format="json")
        assert r.status_code == 403
    with time_machine.travel(a.ends_at, tick=False):
        r = api_as(cast.community_a1).post(url, {"signup": s.pk, "action": "out"}, format="json")
        assert r.status_code == 200 and r.json()["hours"] == "3.00"
        assert r.json()["hours_confirmed"] is False


def test_my_volunteer_record(cast):
    url = "/api/v1/volunteers/me/"
    assert api_as(cast.resident).get(url).status_code == 404
    v = volunteer(cast.resident)
    a = activity(cast.community_a1, starts_in=datetime.timedelta(minutes=30))
    s = services.sign_up(activity_id=a.pk, by=cast.resident)
    with time_machine.travel(a.starts_at, tick=False):
        services.check_in(signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.ends_at, tick=False):
        services.check_out(signup_id=s.pk, by=cast.community_a1)
        services.confirm_hours(signup_id=s.pk, by=cast.community_a1)
    body = api_as(cast.resident).get(url).json()
    assert body["verified_hours"] == "3.00"
    assert body["id_number"].endswith(v.id_last4) and body["id_number"].startswith("*")
    assert body["phone"] == "139****5678"
    assert body["record"][0]["hours_confirmed"] is True
    assert api_as(None).get(url).status_code in (401, 403)
