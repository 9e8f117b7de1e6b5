"""Staff screens of the library, the fund and the college: add forms call the services,
steps are actions (reasons in the note), out-of-area staff see nothing; and the race for
the fund's last money."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from huitian.models import Area, Role
from huitian.workflow import WorkflowError, transitions_of
from tests.conftest import COMMUNITY_A1, make_user
from tests.queries import assert_pinned
from tests.registry.factories import OrganizationFactory
from tests.volunteers.factories import activity, volunteer
from volunteers import services
from volunteers.models import Activity, Grant, PracticeProject, Signup, Team

pytestmark = pytest.mark.django_db


def project(cast, title="邻里守望"):
    org = OrganizationFactory(home_area=cast.area(COMMUNITY_A1))
    member = make_user(f"m_{title}", Role.ORG_MEMBER, organization=org)
    return services.submit_project(
        by=member,
        organization=org,
        title=title,
        summary="说明",
        themes=services.ensure_themes(["邻里互助"]),
    )


def test_review_actions_with_a_reason_in_the_note(cast, client_as):
    p = project(cast)
    admin = client_as(cast.district)
    url = "/admin/volunteers/practiceproject/"
    admin.post(url, {"action": "send_back", "_selected_action": [p.pk], "note": ""})
    p.refresh_from_db()
    assert p.state == "submitted"  # a return needs a reason: refused, shown as a message
    admin.post(url, {"action": "send_back", "_selected_action": [p.pk], "note": "补充成效数据"})
    p.refresh_from_db()
    assert p.state == "returned"
    assert transitions_of(p).last().note == "补充成效数据"
    page = admin.get(f"{url}{p.pk}/change/")
    assert page.status_code == 200 and "补充成效数据" in page.content.decode()
    # street B's staff neither list nor open it
    other = client_as(cast.street_b)
    assert "邻里守望" not in other.get(url).content.decode()
    assert other.get(f"{url}{p.pk}/change/").status_code in (302, 404)
    # street A's staff see it but their accept is refused (the district reviews)
    client_as(cast.street_a).post(url, {"action": "accept", "_selected_action": [p.pk]})
    p.refresh_from_db()
    assert p.state == "returned"

    def grow():
        for i in range(3):
            project(cast, f"项目{i}")

    assert_pinned(lambda: admin.get(url), grow)


def test_grant_added_approved_and_paid_in_the_admin(cast, client_as):
    services.ensure_community_teams()
    team = Team.objects.get(kind="community", area=cast.area(COMMUNITY_A1))
    services.contribute(amount="1000", by=cast.district, note="区财政")
    staff = client_as(cast.community_a1)
    r = staff.post(
        "/admin/volunteers/grant/add/",
        {"team": team.pk, "title": "助老餐箱", "purpose": "购置餐箱", "amount": "5000"},
    )
    assert r.status_code == 302, r.context["adminform"].form.errors
    grant = Grant.objects.get()
    admin = client_as(cast.district)
    admin.post("/admin/volunteers/grant/", {"action": "approve", "_selected_action": [grant.pk]})
    grant.refresh_from_db()
    assert grant.state == "submitted"  # 5,000 asked, 1,000 in the fund
    services.contribute(amount="4000", by=cast.district, note="基金会")
    admin.post("/admin/volunteers/grant/", {"action": "approve", "_selected_action": [grant.pk]})
    admin.post("/admin/volunteers/grant/", {"action": "pay", "_selected_action": [grant.pk]})
    grant.refresh_from_db()
    assert grant.state == "paid" and grant.movement_id
    assert services.fund_account().balance == 0


def test_activity_edited_and_cancelled_in_the_admin(cast, client_as):
    a = activity(cast.community_a1, places=2)
    v = volunteer(cast.resident)
    services.sign_up(activity_id=a.pk, by=v.user)
    admin = client_as(cast.community_a1)
    url = f"/admin/volunteers/activity/{a.pk}/change/"
    page = admin.get(url)
    assert page.status_code == 200
    local = timezone.localtime(a.starts_at)
    end = timezone.localtime(a.ends_at)
    form = {
        "title": "改过的标题",
        "category": a.category,
        "place": a.place,
        "starts_at_0": local.date().isoformat(),
        "starts_at_1": local.time().isoformat(),
        "ends_at_0": end.date().isoformat(),
        "ends_at_1": end.time().isoformat(),
        "places": "0",
        "skills_wanted": "",
        "min_age": "0",
    }
    r = admin.post(url, form)
    assert r.status_code == 200  # refused beside the field
    form["places"] = "3"
    assert admin.post(url, form).status_code == 302
    a.refresh_from_db()
    assert a.title == "改过的标题" and a.places == 3
    # activities are public (a read-only page for others); another community's staff
    # cannot change it
    client_as(cast.community_b1).post(url, {**form, "title": "别人的"})
    a.refresh_from_db()
    assert a.title == "改过的标题"
    admin.post(
        "/admin/volunteers/activity/",
        {"action": "cancel", "_selected_action": [a.pk], "note": "场地维修"},
    )
    a.refresh_from_db()
    assert a.state == Activity.State.CANCELLED
    assert Signup.objects.get(activity=a).state == Signup.State.CANCELLED


def test_courses_added_and_attendance_marked_in_the_admin(cast, client_as):
    starts = timezone.localtime() - datetime.timedelta(hours=1)
    admin = client_as(cast.district)
    r = admin.post(
        "/admin/volunteers/course/add/",
        {
            "topic": "社区议事协商",
            "kind": "regular",
            "teacher": "李教授",
            "audience": "community_worker",
            "place": "学院",
            "starts_at_0": starts.date().isoformat(),
            "starts_at_1": starts.strftime("%H:%M:%S"),
            "ends_at_0": (starts + datetime.timedelta(hours=3)).date().isoformat(),
            "ends_at_1": (starts + datetime.timedelta(hours=3)).strftime("%H:%M:%S"),
            "capacity": "10",
            "credit_hours": "3",
            "area": Area.objects.get(level="district").pk,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    from volunteers.models import Course, Enrolment

    course = Course.objects.get()
    enrolment = Enrolment.objects.create(
        course=course, person=cast.community_a1, audience="community_worker"
    )
    admin.post(
        "/admin/volunteers/enrolment/",
        {"action": "mark_attended", "_selected_action": [enrolment.pk]},
    )
    enrolment.refresh_from_db()
    assert enrolment.hours == 3


@pytest.mark.django_db(transaction=True)
def test_two_approvals_racing_for_the_last_money_one_wins():
    from huitian import services as kernel

    kernel.load_areas()
    district = make_user("race_district", Role.DISTRICT_ADMIN, Area.objects.get(level="district"))
    services.ensure_community_teams()
    team = Team.objects.filter(kind="community").first()
    services.contribute(amount="5000", by=district, note="区财政")
    grants = [
        services.apply_for_grant(
            team_id=team.pk, by=district, title=f"项目{i}", purpose="用途", amount="4000"
        )
        for i in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def approve(grant):
        try:
            barrier.wait()
            services.approve_grant(grant_id=grant.pk, by=district)
            outcomes.append("approved")
        except WorkflowError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(g,)) for g in grants]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved", "beyond_fund"]
    assert Grant.objects.filter(state="approved").count() == 1
    assert PracticeProject.objects.count() == 0
