"""Inputs the API refuses in the one error shape instead of ignoring or crashing on them,
and the one write read-only roles may make (their own notifications)."""

import pytest
from django.db import IntegrityError, transaction

from huitian.models import Notification, Transition
from huitian.services import notify
from huitian.workflow import transitions_of
from registry.models import RegistrationApplication
from tests.conftest import api_as
from tests.procurement.factories import NeedFactory
from tests.registry.test_registration import URL as REGISTRATIONS
from tests.registry.test_registration import payload as registration_payload

pytestmark = pytest.mark.django_db


def assert_refused(response, field):
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}
    assert field in body["fields"], body
    return body


# --- the three rates: dates outside 2000-01-01..2100-12-31 -------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-01-01", "end": "9999-12-31"}, "end"),
        ({"start": "1999-12-31", "end": "2026-01-31"}, "start"),
        ({"start": "0001-01-01", "end": "0001-01-02"}, "start"),
    ],
)
def test_rates_refuse_dates_outside_the_range(cast, query, field):
    body = assert_refused(api_as(cast.district).get("/api/v1/needs/rates/", query), field)
    assert "2000-01-01" in body["fields"][field][0]


def test_rates_take_the_edges_of_the_range(cast):
    NeedFactory()
    response = api_as(cast.district).get(
        "/api/v1/needs/rates/", {"start": "2000-01-01", "end": "2100-12-31"}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["rows"][0]["received"] == 1


# --- the registration queue: its state filter is a closed list -----------------------


def test_registration_queue_refuses_a_state_outside_the_list(cast):
    for state in ("garbage", "approved", "rejected"):
        body = assert_refused(
            api_as(cast.street_a).get(f"{REGISTRATIONS}queue/", {"state": state}), "state"
        )
        assert body["code"] == "invalid"


def test_registration_queue_filters_by_an_open_state(cast):
    created = api_as(cast.resident).post(REGISTRATIONS, registration_payload(cast), format="json")
    assert created.status_code == 201, created.json()
    app_id = created.json()["id"]
    staff = api_as(cast.street_a)
    submitted = staff.get(f"{REGISTRATIONS}queue/", {"state": "submitted"}).json()
    assert [row["id"] for row in submitted] == [app_id]
    assert staff.get(f"{REGISTRATIONS}queue/", {"state": "accepted"}).json() == []
    assert [row["id"] for row in staff.get(f"{REGISTRATIONS}queue/").json()] == [app_id]
    # The sibling street's clerk sees nothing of it, whatever the filter.
    other = api_as(cast.street_b).get(f"{REGISTRATIONS}queue/", {"state": "submitted"})
    assert other.status_code == 200 and other.json() == []


# --- notifications: read-only roles mark their own read ---------------------------


@pytest.mark.parametrize("role", ["auditor", "evaluator"])
def test_read_only_roles_mark_their_own_notifications_read(cast, role):
    user = getattr(cast, role)
    (mine,) = notify(recipients=[user], kind="test", title="审计提醒")
    (theirs,) = notify(recipients=[cast.resident], kind="test", title="别人的消息")
    client = api_as(user)

    one = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert one.status_code == 200, one.json()
    assert one.json()["id"] == mine.pk and one.json()["read_at"]
    assert Notification.objects.get(pk=mine.pk).read_at is not None

    other = client.post(f"/api/v1/notifications/{theirs.pk}/read/")
    assert other.status_code == 404
    assert set(other.json()) == {"code", "detail", "fields"}
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    notify(recipients=[user], kind="test", title="第二条")
    bulk = client.post("/api/v1/notifications/mark-read/", {"ids": [theirs.pk]}, format="json")
    assert bulk.status_code == 200 and bulk.json() == {"marked": 0}
    assert client.post("/api/v1/notifications/mark-read/", {}).json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_only_roles_still_write_nothing_else(cast):
    refused = api_as(cast.auditor).post("/api/v1/needs/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "read_only_role"


# --- a transition's note: at most 1,000 characters ----------------------------------


def test_a_step_note_over_the_limit_is_a_400_naming_note(cast):
    need = NeedFactory(submitter=cast.resident)
    url = f"/api/v1/needs/{need.pk}/reject/"
    too_long = api_as(cast.community_a1).post(
        url, {"reason": "duplicate", "note": "重" * 1001}, format="json"
    )
    assert_refused(too_long, "note")
    need.refresh_from_db()
    assert need.state == "received"
    at_limit = api_as(cast.community_a1).post(
        url, {"reason": "duplicate", "note": "重" * 1000}, format="json"
    )
    assert at_limit.status_code == 200, at_limit.json()
    assert len(transitions_of(need).last().note) == 1000


def test_registry_step_notes_are_capped_too(cast):
    created = api_as(cast.resident).post(REGISTRATIONS, registration_payload(cast), format="json")
    app_id = created.json()["id"]
    staff = api_as(cast.street_a)
    url = f"{REGISTRATIONS}{app_id}/return/"
    assert_refused(staff.post(url, {"missing_items": ["章程"], "note": "x" * 1001}), "note")
    # Without a note the items become the note: together they must fit as well.
    items = ["材" * 200] * 5
    assert_refused(staff.post(url, {"missing_items": items}, format="json"), "missing_items")
    assert_refused(staff.post(f"{REGISTRATIONS}{app_id}/reject/", {"reason": "x" * 1001}), "reason")
    assert RegistrationApplication.objects.get(pk=app_id).state == "submitted"


def test_the_database_refuses_a_longer_note(cast):
    need = NeedFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Transition.objects.create(
            subject=need, step="x", from_state="a", to_state="b", note="x" * 1001
        )
