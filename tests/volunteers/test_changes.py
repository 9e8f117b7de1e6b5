"""Editing and cancelling activities (the signed-up are told), registering as a volunteer
through the API (idempotent, ID number checked, never echoed), and the district volunteer
federation that sees and manages every team."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huitian import services as kernel
from huitian.access import Forbidden
from huitian.models import Notification, Role
from huitian.workflow import WorkflowError
from tests.conftest import COMMUNITY_A1, COMMUNITY_B1, DISTRICT, api_as, make_user
from tests.volunteers.factories import activity, id_number, volunteer
from volunteers import selectors, services
from volunteers.models import Signup, Team

pytestmark = pytest.mark.django_db


def signed_up(cast, a, n):
    people = []
    for i in range(n):
        user = make_user(f"edit_vol{i}", Role.RESIDENT, cast.area(COMMUNITY_A1))
        volunteer(user)
        people.append(services.sign_up(activity_id=a.pk, by=user))
    return people


def test_edit_more_places_promote_fewer_than_taken_refused_new_time_told(cast):
    a = activity(cast.community_a1, places=1)
    first, waiting = signed_up(cast, a, 2)
    assert waiting.state == "waitlisted"
    with pytest.raises(ValidationError):
        services.edit_activity(activity_id=a.pk, by=cast.community_a1, places=0)
    services.edit_activity(activity_id=a.pk, by=cast.community_a1, places=2, title="新标题")
    waiting.refresh_from_db()
    assert waiting.state == "confirmed"
    assert Notification.objects.filter(
        recipient=waiting.volunteer.user, kind="volunteers.promoted"
    ).exists()
    later = a.starts_at + datetime.timedelta(days=1)
    services.edit_activity(
        activity_id=a.pk,
        by=cast.community_a1,
        starts_at=later,
        ends_at=later + datetime.timedelta(hours=2),
    )
    told = Notification.objects.filter(kind="volunteers.activity_changed")
    assert {n.recipient_id for n in told} == {first.volunteer.user_id, waiting.volunteer.user_id}
    with pytest.raises(ValidationError):
        services.edit_activity(activity_id=a.pk, by=cast.community_a1, community=None)
    with pytest.raises(Forbidden):
        services.edit_activity(activity_id=a.pk, by=cast.community_b1, title="别人的")


def test_places_below_confirmed_refused(cast):
    a = activity(cast.community_a1, places=3)
    signed_up(cast, a, 2)
    with pytest.raises(WorkflowError) as exc:
        services.edit_activity(activity_id=a.pk, by=cast.community_a1, places=1)
    assert exc.value.code == "places_below_taken"


def test_cancel_ends_every_signup_and_tells_why(cast, client):
    a = activity(cast.community_a1, places=1)
    first, _waiting = signed_up(cast, a, 2)
    with pytest.raises(ValidationError):
        services.cancel_activity(activity_id=a.pk, by=cast.community_a1, reason="")
    with pytest.raises(Forbidden):
        services.cancel_activity(activity_id=a.pk, by=cast.street_b, reason="x")
    services.cancel_activity(activity_id=a.pk, by=cast.community_a1, reason="暴雨预警")
    assert set(Signup.objects.filter(activity=a).values_list("state", flat=True)) == {"cancelled"}
    notes = Notification.objects.filter(kind="volunteers.activity_cancelled")
    assert notes.count() == 2 and all("暴雨预警" in n.title for n in notes)
    with pytest.raises(WorkflowError) as exc:
        services.cancel_activity(activity_id=a.pk, by=cast.community_a1, reason="再次")
    assert exc.value.code == "activity_cancelled"
    # the freed volunteer may sign up for something else at the same time now
    other = activity(cast.community_a1, places=5, starts_in=a.starts_at - timezone.now())
    services.sign_up(activity_id=other.pk, by=first.volunteer.user)
    # gone from the public list and API
    assert api_as(None).get(f"/api/v1/activities/{a.pk}/").status_code == 404


def test_an_activity_that_has_begun_is_not_edited_or_cancelled(cast):
    import time_machine

    a = activity(cast.community_a1)
    with time_machine.travel(a.starts_at + datetime.timedelta(minutes=1)):
        for call in (
            lambda: services.edit_activity(activity_id=a.pk, by=cast.community_a1, title="x"),
            lambda: services.cancel_activity(activity_id=a.pk, by=cast.community_a1, reason="x"),
        ):
            with pytest.raises(WorkflowError) as exc:
                call()
            assert exc.value.code == "activity_started"


def test_api_registration_idempotent_checked_and_never_echoed(cast):
    number = id_number("19850505", 5)
    body = {
        "real_name": "赵志愿",
        "id_number": number,
        "phone": "13800001111",
        "community": cast.area(COMMUNITY_A1).pk,
        "skills": "摄影",
    }
    client = api_as(cast.resident)
    r = client.post("/api/v1/volunteers/", body, format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    assert r.status_code == 201, r.content
    assert r.json()["id_number"].endswith(number[-4:]) and number not in r.content.decode()
    again = client.post("/api/v1/volunteers/", body, format="json", HTTP_IDEMPOTENCY_KEY="reg-1")
    assert again.status_code == 201 and again.json()["id"] == r.json()["id"]
    plain_again = client.post("/api/v1/volunteers/", body, format="json")
    assert plain_again.status_code == 200 and plain_again.json()["id"] == r.json()["id"]
    other_number = client.post(
        "/api/v1/volunteers/", {**body, "id_number": id_number("19850505", 6)}, format="json"
    )
    assert other_number.status_code == 409 and other_number.json()["code"] == "already_registered"
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    refused = api_as(cast.resident_other).post(
        "/api/v1/volunteers/", {**body, "id_number": bad}, format="json"
    )
    assert refused.status_code == 400 and "id_number" in refused.json()["fields"]
    assert bad not in refused.content.decode()
    taken = api_as(cast.resident_other).post("/api/v1/volunteers/", body, format="json")
    assert taken.status_code == 400 and number not in taken.content.decode()
    no_community = api_as(cast.resident_other).post(
        "/api/v1/volunteers/",
        {**body, "id_number": id_number("19850505", 9), "community": 987654},
        format="json",
    )
    assert no_community.status_code == 400
    assert api_as(None).post("/api/v1/volunteers/", body, format="json").status_code in (401, 403)


def test_district_volunteer_federation_sees_and_manages_every_team(cast):
    district_federation = make_user(
        "district_federation", Role.FEDERATION_STAFF, cast.area(DISTRICT)
    )
    with pytest.raises(ValidationError):  # still never at community level
        kernel.assign_role(
            user=cast.resident, role=Role.FEDERATION_STAFF, area=cast.area(COMMUNITY_A1)
        )
    services.ensure_community_teams()
    team_b = Team.objects.get(kind="community", area=cast.area(COMMUNITY_B1))
    team_a = Team.objects.get(kind="community", area=cast.area(COMMUNITY_A1))
    assert district_federation.has_perm("volunteers.manage_team", team_b)
    assert district_federation.has_perm("volunteers.manage_team", team_a)
    assert not cast.federation_a.has_perm("volunteers.manage_team", team_b)
    v_b = volunteer(community=cast.area(COMMUNITY_B1))
    services.join_team(team_id=team_b.pk, by=district_federation, volunteer_id=v_b.pk)
    from huitian.access import visible
    from volunteers.models import Membership, Volunteer

    assert v_b in visible(district_federation, Volunteer.objects.all())
    assert visible(district_federation, Membership.objects.all()).count() == 1
    assert not visible(cast.federation_a, Membership.objects.all()).exists()
    assert selectors.teams_for(district_federation).count() == Team.objects.count()
    # the district federation reviews the project library and the fund like district staff
    assert district_federation.has_perm("volunteers.review_district")
    assert not cast.federation_a.has_perm("volunteers.review_district")
