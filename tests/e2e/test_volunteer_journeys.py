"""The volunteer journey on a 390 px phone: register → sign up → check in with the venue
code → the organizer checks out and confirms the hours → the certificate shows them."""

import datetime
import os
import pathlib
import re

import pytest
import time_machine
from playwright.sync_api import expect

from huitian import services as kernel
from huitian.models import Area, Category, Role
from huitian.taxonomy import seed_categories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")  # a folder: save screenshots of each page


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def sign_in(page, username):
    from tests.conftest import PASSWORD

    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")


def test_sign_up_check_in_confirmed_hours_certificate(page, browser):
    from tests.conftest import make_user
    from tests.volunteers.factories import activity, id_number
    from volunteers.models import Signup

    kernel.load_areas()
    kernel.seed_calendar_from_package()
    seed_categories(Category)
    community = Area.objects.get(code="110114011001")
    make_user("e2e_volunteer", Role.RESIDENT, community)
    make_user("e2e_organizer", Role.COMMUNITY_STAFF, community)
    organizer = make_user("e2e_organizer2", Role.COMMUNITY_STAFF, community)
    a = activity(organizer, starts_in=datetime.timedelta(minutes=30), hours=2, title="楼道清理")
    number = id_number("19900512", 321)

    sign_in(page, "e2e_volunteer")
    page.goto(page.base_url + "/volunteers/register/")
    page.get_by_label("真实姓名").fill("孙志愿")
    page.get_by_label("身份证号码").fill(number[:-1] + ("1" if number[-1] != "1" else "2"))
    page.get_by_label("电话").fill("13912345678")
    page.get_by_label("社区").select_option(label=community.name)
    page.get_by_role("button", name="注册").click()
    assert "校验码" in page.locator(".invalid-feedback").first.inner_text()
    shot(page, "01-register-refused")
    page.get_by_label("身份证号码").fill(number)  # never echoed back: typed again
    page.get_by_role("button", name="注册").click()
    page.wait_for_url(page.base_url + "/volunteers/")
    shot(page, "02-activities")
    page.get_by_role("link", name=re.compile("楼道清理")).click()
    page.get_by_role("button", name="报名").click()
    assert "您的名额已确认" in page.content()
    shot(page, "03-signed-up")

    staff_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    staff = staff_context.new_page()
    staff.set_default_timeout(10_000)
    staff.base_url = page.base_url
    with time_machine.travel(a.starts_at + datetime.timedelta(minutes=5)):
        sign_in(staff, "e2e_organizer")
        staff.goto(f"{staff.base_url}/volunteers/activities/{a.pk}/roster/")
        staff.get_by_role("button", name="显示签到码").click()
        code = staff.locator("#checkin-code").inner_text()
        shot(staff, "04-roster-code")

        page.reload()
        page.get_by_label("现场显示的签到码").fill(code)
        page.get_by_role("button", name="凭签到码签到").click()
        assert "已签到" in page.locator("#my-signup").inner_text()
        shot(page, "05-checked-in")

    with time_machine.travel(a.ends_at + datetime.timedelta(minutes=20)):
        staff.goto(f"{staff.base_url}/volunteers/activities/{a.pk}/roster/")
        staff.get_by_role("button", name="签退").click()
        staff.get_by_label("服务时长（小时）").fill("3")  # more than the activity lasted
        staff.get_by_role("button", name="确认时长").click()
        assert "超过了活动时长" in staff.content()
        staff.get_by_label("服务时长（小时）").fill("1.75")
        staff.get_by_role("button", name="确认时长").click()
        assert "✓" in staff.locator(".list-group-item").first.inner_text()
        shot(staff, "06-roster-confirmed")
    staff_context.close()
    signup = Signup.objects.get(activity=a)
    assert str(signup.hours) == "1.75" and signup.hours_confirmed_at

    page.goto(page.base_url + "/volunteers/me/hours/")
    assert page.locator("#total-hours").inner_text().startswith("1.75")
    shot(page, "07-my-hours")
    page.get_by_role("link", name="我的服务证明").click()
    assert page.locator("#certificate-hours").inner_text() == "1.75"
    assert number not in page.content() and number[-4:] in page.content()
    shot(page, "08-certificate")
    page.emulate_media(media="print")
    expect(page.locator("nav").first).to_be_hidden()  # print CSS: the certificate alone
    expect(page.get_by_role("link", name="返回我的时长")).to_be_hidden()
    shot(page, "09-certificate-print")


def test_library_fund_and_college_on_a_phone(page):
    """The public library, the fund's grants and the college on 390 px: nothing wider than
    the screen; a resident enrols in a course from the phone."""
    from tests.conftest import make_user
    from tests.registry.factories import OrganizationFactory
    from volunteers import services as vol
    from volunteers.models import Enrolment, Team

    kernel.load_areas()
    kernel.seed_calendar_from_package()
    seed_categories(Category)
    community = Area.objects.get(code="110114011001")
    district = make_user("e2e_district", Role.DISTRICT_ADMIN, Area.objects.get(level="district"))
    org = OrganizationFactory(name="回龙观邻里互助社", home_area=community)
    member = make_user("e2e_member", Role.ORG_MEMBER, organization=org)
    make_user("e2e_learner", Role.RESIDENT, community)
    themes = vol.ensure_themes(["理论宣讲", "邻里互助", "助老扶幼", "生态环保"])
    for title in ("楼门守望计划：独居老人每日一问候，邻里互助常态化", "回天红色宣讲团"):
        p = vol.submit_project(
            by=member,
            organization=org,
            title=title,
            summary="楼门长带动邻里互助。" * 8,
            themes=themes[:3],
        )
        vol.review_project(project_id=p.pk, by=district, step="accept")
    vol.ensure_community_teams()
    team = Team.objects.get(kind="community", area=community)
    vol.contribute(amount="50000", by=district, note="区财政")
    grant = vol.apply_for_grant(
        team_id=team.pk, by=district, title="助老送餐保温餐箱", purpose="送餐", amount="3000"
    )
    vol.approve_grant(grant_id=grant.pk, by=district)
    vol.pay_grant(grant_id=grant.pk, by=district)
    starts = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    vol.publish_course(
        by=district,
        topic="志愿服务项目设计",
        teacher="王老师",
        audience="volunteer",
        place="回天社会创新学院（回龙观）",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=30,
        credit_hours="2",
        area=Area.objects.get(level="district"),
    )

    def fits():
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{page.url} is {width} px wide"

    page.goto(page.base_url + "/volunteers/projects/")
    expect(page.get_by_text("回天红色宣讲团")).to_be_visible()
    fits()
    shot(page, "10-project-library")
    page.goto(page.base_url + "/volunteers/fund/")
    expect(page.get_by_text("助老送餐保温餐箱")).to_be_visible()
    fits()
    shot(page, "11-fund")
    sign_in(page, "e2e_learner")
    page.goto(page.base_url + "/volunteers/courses/")
    page.get_by_role("button", name="报名").click()
    expect(page.get_by_text("报名成功")).to_be_visible()
    fits()
    shot(page, "12-courses-enrolled")
    assert Enrolment.objects.filter(person__username="e2e_learner").count() == 1


def test_a_community_clerk_finds_who_is_short_on_a_phone_and_downloads_it(page):
    """The clerk of 龙博苑 opens the college page, follows the link to who is short, sees
    her community's volunteer who never enrolled (0 hours, ID number masked) and not
    another street's, and downloads the list as CSV; nothing is wider than 390 px."""
    from tests.conftest import make_user
    from tests.volunteers.factories import id_number, volunteer
    from volunteers import services as vol

    kernel.load_areas()
    kernel.seed_calendar_from_package()
    seed_categories(Category)
    community = Area.objects.get(code="110114011001")
    elsewhere = Area.objects.get(code="110114008001")
    district = make_user("e2e_district", Role.DISTRICT_ADMIN, Area.objects.get(level="district"))
    make_user("e2e_clerk", Role.COMMUNITY_STAFF, community)
    year = datetime.date.today().year
    vol.set_requirement(by=district, year=year, audience="volunteer", hours="2")
    number = id_number("19870707", 654)
    resident = make_user("e2e_idle", Role.RESIDENT, community)
    vol.register_volunteer(
        by=resident, real_name="何未修", id_number=number, phone="13912345678", community=community
    )
    volunteer(name="天北志愿者", community=elsewhere)

    sign_in(page, "e2e_clerk")
    page.goto(page.base_url + "/volunteers/courses/")
    page.get_by_role("link", name="继续教育学时未达标人员").click()
    row = page.locator("#training-report tbody tr", has_text="何未修")
    expect(row).to_contain_text("0.0")
    expect(row).to_contain_text("2.0")
    body = page.content()
    assert number not in body and "天北志愿者" not in body
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the report is {width} px wide"
    shot(page, "13-training-report")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载CSV").click()
    text = pathlib.Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "何未修" in text and f"**************{number[-4:]}" in text and number not in text
