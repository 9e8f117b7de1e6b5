"""Portal pages: volunteers on a phone, organizers at the venue; no full ID number anywhere."""

import datetime
import re

import pytest
import time_machine

from tests.volunteers.factories import activity, id_number
from volunteers import services
from volunteers.models import Signup, Volunteer

pytestmark = pytest.mark.django_db


def test_register_page_refuses_a_bad_number_beside_the_field_and_never_echoes_it(cast, client_as):
    c = client_as(cast.resident)
    assert c.get("/volunteers/register/").status_code == 200
    good = id_number("19880808", 42)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    data = {
        "real_name": "赵敏",
        "id_number": bad,
        "phone": "13912345678",
        "community": cast.area("110114011001").pk,
    }
    r = c.post("/volunteers/register/", data)
    assert r.status_code == 200 and "校验码" in r.content.decode()
    assert bad not in r.content.decode()
    r = c.post("/volunteers/register/", {**data, "id_number": good})
    assert r.status_code == 302
    assert Volunteer.objects.get(user=cast.resident).id_last4 == good[-4:]


def test_full_journey_on_pages_and_no_full_id_number_in_any_response(cast, client_as):
    number = id_number("19920303", 77)
    vol = client_as(cast.resident)
    vol.post(
        "/volunteers/register/",
        {
            "real_name": "钱多",
            "id_number": number,
            "phone": "13912345678",
            "community": cast.area("110114011001").pk,
        },
    )
    a = activity(cast.community_a1, starts_in=datetime.timedelta(minutes=30), hours=2)
    staff = client_as(cast.community_a1)
    bodies = [vol.get("/volunteers/").content.decode()]
    assert a.title in bodies[0]
    r = vol.post(f"/volunteers/activities/{a.pk}/", {"action": "signup"}, follow=True)
    bodies.append(r.content.decode())
    s = Signup.objects.get(activity=a)
    assert s.state == Signup.State.CONFIRMED
    with time_machine.travel(a.starts_at, tick=False):
        r = staff.post(f"/volunteers/activities/{a.pk}/roster/", {"action": "code"})
        page = r.content.decode()
        bodies.append(page)
        code = re.search(r'id="checkin-code">(\d{6})<', page).group(1)
        r = vol.post(f"/volunteers/activities/{a.pk}/", {"action": "in", "code": code}, follow=True)
        bodies.append(r.content.decode())
        r = vol.post(
            f"/volunteers/activities/{a.pk}/", {"action": "out", "code": code}, follow=False
        )
        assert "已被使用" in r.content.decode()  # the code is single-use
        bodies.append(r.content.decode())
    with time_machine.travel(a.ends_at, tick=False):
        url = f"/volunteers/activities/{a.pk}/roster/"
        staff.post(url, {"action": "out", "signup": s.pk})
        r = staff.post(url, {"action": "confirm", "signup": s.pk, "hours": "5"}, follow=True)
        assert "超过了活动时长" in r.content.decode()
        r = staff.post(url, {"action": "confirm", "signup": s.pk, "hours": "1.5"}, follow=True)
        bodies.append(r.content.decode())
    for url in ("/volunteers/me/hours/", "/volunteers/me/certificate/"):
        r = vol.get(url)
        assert r.status_code == 200
        bodies.append(r.content.decode())
    assert 'id="certificate-hours">1.50<' in bodies[-1]
    assert "volunteers/certificate.css" in bodies[-1]
    api = client_as(cast.resident)
    bodies.append(api.get("/api/v1/volunteers/me/").content.decode())
    bodies.append(api.get("/api/v1/activities/").content.decode())
    bodies.append(staff.get(f"/volunteers/activities/{a.pk}/roster/").content.decode())
    for body in bodies:
        assert number not in body
        assert number[:-4] not in body  # not even the first fourteen
    assert any(number[-4:] in body for body in bodies)


def test_roster_is_for_organizers_only(cast, client_as):
    a = activity(cast.community_a1)
    url = f"/volunteers/activities/{a.pk}/roster/"
    assert client_as(cast.community_a1).get(url).status_code == 200
    assert client_as(cast.community_b1).get(url).status_code == 403
    assert client_as(cast.resident).get(url).status_code == 403
    assert client_as(cast.auditor).get(url).status_code == 403


def test_reasons_are_shown_instead_of_the_sign_up_button(cast, client_as):
    young = (datetime.date.today() - datetime.timedelta(days=365 * 15)).strftime("%Y%m%d")
    services.register_volunteer(
        by=cast.resident,
        real_name="小明",
        id_number=id_number(young),
        phone="13912345678",
        community=cast.area("110114011001"),
    )
    a = activity(cast.community_a1, min_age=18)
    r = client_as(cast.resident).get(f"/volunteers/activities/{a.pk}/")
    assert 'id="reasons"' in r.content.decode() and 'value="signup"' not in r.content.decode()


def test_the_id_number_is_filtered_out_of_error_reports(cast, client_as):
    from django.views.debug import SafeExceptionReporterFilter

    number = id_number("19900101", 9)
    r = client_as(cast.resident).post("/volunteers/register/", {"id_number": number})
    params = SafeExceptionReporterFilter().get_post_parameters(r.wsgi_request)
    assert number not in str(dict(params)) and "id_number" in params


def test_staff_copy_a_successful_activity_from_its_page(cast, client_as):
    from tests.volunteers.factories import volunteer
    from volunteers.models import Activity

    a = activity(cast.community_a1, starts_in=datetime.timedelta(minutes=30))
    volunteer(cast.resident)
    s = services.sign_up(activity_id=a.pk, by=cast.resident)
    staff = client_as(cast.community_a2)
    url = f"/volunteers/activities/{a.pk}/copy/"
    assert 'id="reasons"' in staff.get(url).content.decode()  # not taken place yet
    with time_machine.travel(a.starts_at, tick=False):
        services.check_in(signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.ends_at, tick=False):
        services.check_out(signup_id=s.pk, by=cast.community_a1)
        services.confirm_hours(signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.ends_at + datetime.timedelta(hours=1)):
        page = staff.get(f"/volunteers/activities/{a.pk}/").content.decode()
        assert url in page
        day = (a.ends_at + datetime.timedelta(days=7)).strftime("%Y-%m-%d")
        data = {"starts_at": f"{day}T09:00", "ends_at": f"{day}T11:00"}
        r = staff.post(url, {**data, "community": cast.area("110114008001").pk})
        assert r.status_code in (200, 403)
        assert Activity.objects.count() == 1
        r = staff.post(url, {**data, "community": cast.area("110114011002").pk})
        assert r.status_code == 302
    copy = Activity.objects.exclude(pk=a.pk).get()
    assert copy.copied_from == a and copy.community.code == "110114011002"
    assert (
        f"/volunteers/activities/{copy.pk}/"
        in staff.get(f"/volunteers/activities/{a.pk}/").content.decode()
    )
