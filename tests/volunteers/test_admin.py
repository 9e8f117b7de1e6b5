"""Staff screens: scoped by area, writes through the services, the ID number never shown."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.queries import assert_pinned
from tests.volunteers.factories import activity, id_number, volunteer
from volunteers import services
from volunteers.models import Activity, Signup, Volunteer

pytestmark = pytest.mark.django_db
A1 = "110114011001"


def test_volunteer_list_and_page_show_only_the_last_four_in_area(cast, client_as):
    number = id_number("19870707", 555)
    v = services.register_volunteer(
        by=cast.resident,
        real_name="周到",
        id_number=number,
        phone="13912345678",
        community=cast.area(A1),
    )
    staff = client_as(cast.community_a1)
    for url in (
        "/admin/volunteers/volunteer/",
        f"/admin/volunteers/volunteer/{v.pk}/change/",
        f"/admin/volunteers/volunteer/{v.pk}/history/",
    ):
        r = staff.get(url)
        body = r.content.decode()
        assert r.status_code == 200, url
        assert number not in body and number[:-4] not in body
        assert "13912345678" not in body
    assert number[-4:] in staff.get("/admin/volunteers/volunteer/").content.decode()
    other = client_as(cast.community_b1)
    assert other.get(f"/admin/volunteers/volunteer/{v.pk}/change/").status_code in (302, 404)
    assert "周到" not in other.get("/admin/volunteers/volunteer/").content.decode()
    # a phone is not a filter
    assert staff.get("/admin/volunteers/volunteer/?phone__startswith=139").status_code == 400

    def grow():
        for _ in range(3):
            volunteer(community=cast.area(A1))

    assert_pinned(lambda: staff.get("/admin/volunteers/volunteer/"), grow)


def _activity_form(community, **extra):
    start = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    data = {
        "title": "助老送餐",
        "category": "elderly",
        "place": "养老驿站",
        "community": community.pk,
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": "09:00:00",
        "ends_at_0": start.strftime("%Y-%m-%d"),
        "ends_at_1": "11:00:00",
        "places": "5",
        "min_age": "0",
        "skills_wanted": "",
    }
    data.update(extra)
    return data


def test_staff_publish_in_their_area_through_the_service(cast, client_as):
    staff = client_as(cast.community_a1)
    r = staff.post("/admin/volunteers/activity/add/", _activity_form(cast.area(A1)))
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Activity.objects.get().published_by == cast.community_a1
    r = staff.post("/admin/volunteers/activity/add/", _activity_form(cast.area("110114008001")))
    assert r.status_code in (200, 403)
    assert Activity.objects.count() == 1
    r = staff.post(
        "/admin/volunteers/activity/add/",
        _activity_form(cast.area(A1), ends_at_1="08:00:00"),
    )
    assert r.status_code == 200 and "活动结束时间必须晚于开始时间" in r.content.decode()
    assert (
        client_as(cast.auditor)
        .post("/admin/volunteers/activity/add/", _activity_form(cast.area(A1)))
        .status_code
        == 403
    )


def test_confirm_hours_action_calls_the_service(cast, client_as):
    a = activity(cast.community_a1, starts_in=datetime.timedelta(minutes=30))
    volunteer(cast.resident)
    s = services.sign_up(activity_id=a.pk, by=cast.resident)
    with time_machine.travel(a.starts_at, tick=False):
        services.check_in(signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.ends_at, tick=False):
        services.check_out(signup_id=s.pk, by=cast.community_a1)
    data = {"action": "confirm_hours", "_selected_action": [s.pk]}
    client_as(cast.community_b1).post("/admin/volunteers/signup/", data)
    assert Signup.objects.get(pk=s.pk).hours_confirmed_at is None
    client_as(cast.community_a1).post("/admin/volunteers/signup/", data)
    assert Signup.objects.get(pk=s.pk).hours_confirmed_at is not None
    assert Volunteer.objects.count() == 1
