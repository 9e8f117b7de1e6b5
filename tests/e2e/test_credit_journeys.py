"""The credit journey (issue 10): a resident's complaint is verified by street staff, the
organization's star rating drops, and the organization appeals; the public pages on a
390 px phone (grade with its breakdown in words, the roll of honours)."""

import os

import pytest
from django.utils import timezone

from huitian import services as kernel
from huitian.models import Area, Category, Role
from huitian.taxonomy import seed_categories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")  # a folder: save screenshots of each page


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"credit-{name}.png"), full_page=True)


def sign_in(page, username, *, admin=False):
    from tests.conftest import PASSWORD

    page.goto(page.base_url + ("/admin/login/" if admin else "/accounts/login/"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit], button[type=submit]").last.click()


def world():
    from credit import services
    from tests.conftest import make_user
    from tests.credit.factories import FiledGroupFactory, old_organization
    from tests.procurement.factories import NeedFactory

    kernel.load_areas()
    kernel.seed_calendar_from_package()
    seed_categories(Category)
    community = Area.objects.get(code="110114011001")
    street = Area.objects.get(code="110114011")
    org = old_organization(FiledGroupFactory, name="龙博苑助老服务队")
    resident = make_user("e2e_credit_resident", Role.RESIDENT, community)
    make_user("e2e_credit_street", Role.STREET_STAFF, street)
    make_user("e2e_credit_member", Role.ORG_MEMBER, organization=org)
    NeedFactory(
        submitter=resident,
        assigned_org=org,
        title="独居老人助浴",
        resolved_at=timezone.now(),
        satisfaction=4,
    )
    services.recompute_star_ratings(organization_ids=[org.pk])
    return org


def test_complaint_verified_stars_drop_organization_appeals(page, browser):
    from credit.models import Appeal, Complaint

    org = world()
    page.goto(f"{page.base_url}/credit/organizations/{org.pk}/")
    assert page.get_by_label("3星").count() == 1
    shot(page, "01-credit-page-before")

    # The resident complains about the service on the phone.
    sign_in(page, "e2e_credit_resident")
    page.goto(page.base_url + "/credit/voice/")
    page.get_by_label("服务").select_option(label="龙博苑助老服务队 · 独居老人助浴")
    page.get_by_label("评价或投诉内容").fill("约好周三上门助浴，无人到场也未通知")
    shot(page, "02-voice-form")
    page.get_by_role("button", name="作为投诉提交").click()
    page.wait_for_url(page.base_url + "/credit/voice/")
    assert "经工作人员核实后计入信用记录" in page.content()
    assert "待核实" in page.content()
    shot(page, "03-complaint-received")
    complaint = Complaint.objects.get(organization=org)

    # Not yet verified: the public page still shows three stars and no verified complaint.
    page.goto(f"{page.base_url}/credit/organizations/{org.pk}/")
    assert page.get_by_label("3星").count() == 1

    # Street staff verify it in the admin (1280 px).
    staff_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    staff = staff_context.new_page()
    staff.set_default_timeout(10_000)
    staff.base_url = page.base_url
    sign_in(staff, "e2e_credit_street", admin=True)
    staff.goto(f"{staff.base_url}/admin/credit/complaint/{complaint.pk}/change/")
    staff.get_by_label("处理决定").select_option("yes")
    staff.get_by_label("原因").fill("电话回访老人及家属，情况属实")
    shot(staff, "04-admin-verify")
    with staff.expect_navigation():
        staff.locator("input[name=_save]").click()
    assert Complaint.objects.get(pk=complaint.pk).state == "verified"
    staff_context.close()

    # The rating was recomputed when the event was committed: two stars now.
    page.goto(f"{page.base_url}/credit/organizations/{org.pk}/")
    assert page.get_by_label("2星").count() == 1
    assert "已核实投诉" in page.content()
    shot(page, "05-credit-page-after")

    # The organization appeals the rating from its credit page.
    member_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    member = member_context.new_page()
    member.set_default_timeout(10_000)
    member.base_url = page.base_url
    sign_in(member, "e2e_credit_member")
    member.goto(f"{member.base_url}/credit/organizations/{org.pk}/")
    member.get_by_role("link", name="对评级提出申诉").click()
    member.get_by_label("申诉理由").fill("当日助浴员突发疾病，已另约时间补上门服务")
    shot(member, "06-appeal-form")
    member.get_by_role("button", name="提交申诉").click()
    member.wait_for_url(f"{member.base_url}/credit/organizations/{org.pk}/")
    assert "申诉已提交" in member.content()
    shot(member, "07-appeal-filed")
    appeal = Appeal.objects.get(organization=org)
    assert appeal.rating.stars == 2 and appeal.state == "submitted"
    member_context.close()


def test_public_grade_breakdown_and_the_roll_of_honours(page):
    from credit import services
    from tests.conftest import make_user
    from tests.credit.factories import OrganizationFactory

    kernel.load_areas()
    kernel.seed_calendar_from_package()
    seed_categories(Category)
    district = make_user(
        "e2e_credit_district", Role.DISTRICT_ADMIN, Area.objects.get(code="110114")
    )
    evaluator = make_user("e2e_credit_evaluator", Role.EVALUATOR, Area.objects.get(code="110114"))
    org = OrganizationFactory(name="回天阳光社会工作服务中心")
    rnd = services.open_evaluation_round(by=district, year=2026, name="2026年度等级评估")
    evaluation = services.assign_evaluation(
        by=district, round_id=rnd.pk, organization_id=org.pk, evaluator_id=evaluator.pk
    )
    services.enter_scores(
        by=evaluator,
        evaluation_id=evaluation.pk,
        scores={"basic": "57", "governance": "372", "performance": "401.5", "social": "90"},
        comments="制度健全，财务规范",
    )
    services.award_grade(by=district, evaluation_id=evaluation.pk)
    nomination = services.nominate(
        by=district,
        year=timezone.localdate().year,
        kind="brand_project",
        organization_id=org.pk,
        project_name="银龄食堂助餐服务",
        grounds="覆盖三个社区的老年助餐",
    )
    services.decide_nomination(by=district, nomination_id=nomination.pk, select=True)

    page.goto(f"{page.base_url}/credit/organizations/{org.pk}/")
    content = page.content()
    assert "4A" in content and "920.5" in content
    for words in ("基础条件：57.0 分（满分 60 分）", "内部治理：372.0 分（满分 400 分）"):
        assert words in content
    assert "银龄食堂助餐服务" in content
    shot(page, "08-grade-breakdown")
    page.goto(page.base_url + "/credit/honours/")
    assert "回天阳光社会工作服务中心《银龄食堂助餐服务》" in page.content()
    shot(page, "09-honour-roll")
