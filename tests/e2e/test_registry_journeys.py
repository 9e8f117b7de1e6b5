"""Registry portal journeys on a phone: apply for registration, file a group, annual report."""

import pytest

from huitian import services as kernel
from huitian.models import Area, Category, Role
from huitian.taxonomy import seed_categories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def setup_world():
    kernel.load_areas()
    kernel.seed_calendar_from_package()
    seed_categories(Category)


def sign_in(page, username):
    from tests.conftest import PASSWORD

    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")


def test_apply_for_registration_with_a_correction(page):
    from tests.conftest import make_user

    setup_world()
    make_user("e2e_applicant", Role.RESIDENT, Area.objects.get(code="110114011001"))
    sign_in(page, "e2e_applicant")
    page.get_by_role("link", name="申请登记社会组织").click()
    page.get_by_label("拟定名称").fill("回天助老服务中心")
    page.get_by_label("组织类型").select_option("social_service")
    page.get_by_label("住所地").select_option(label="龙博苑社区居委会")
    page.get_by_label("居家养老").check()
    page.get_by_label("统一社会信用代码").fill("52110114mj0000002e")
    page.get_by_label("法定代表人").fill("张明")
    page.get_by_label("联系人").fill("张明")
    page.get_by_label("联系电话").fill("12345")
    page.get_by_label("宗旨和业务范围").fill("为社区老人提供助餐服务")
    page.get_by_role("button", name="提交申请").click()
    # Errors stand beside their fields, in Chinese.
    assert page.locator(".invalid-feedback").filter(has_text="大写").is_visible()
    assert page.locator(".invalid-feedback").filter(has_text="手机").is_visible()
    page.get_by_label("统一社会信用代码").fill("")
    page.get_by_label("联系电话").fill("13800138000")
    page.get_by_role("button", name="提交申请").click()
    assert page.locator("#state").inner_text() == "已提交"
    page.goto(page.base_url + "/portal/")
    assert page.get_by_text("回天助老服务中心").is_visible()


def test_file_a_community_group_until_it_has_a_filing_number(page):
    from registry import services
    from registry.models import Filing
    from tests.conftest import make_user

    setup_world()
    community = Area.objects.get(code="110114011001")
    make_user("e2e_group", Role.RESIDENT, community)
    reviewer = make_user("e2e_reviewer", Role.COMMUNITY_STAFF, community)
    federation = make_user("e2e_fed", Role.FEDERATION_STAFF, community.parent)
    sign_in(page, "e2e_group")
    page.goto(page.base_url + "/portal/filings/new/")
    page.get_by_label("组织名称").fill("龙博苑合唱团")
    page.get_by_label("社区").select_option(label="龙博苑社区居委会")
    page.get_by_label("负责人").fill("孙丽")
    page.get_by_label("联系电话").fill("13622223333")
    page.get_by_label("成员人数").fill("12")
    page.get_by_label("活动内容").fill("每周二排练")
    page.get_by_role("button", name="提交备案").click()
    assert page.locator("#state").inner_text() == "已提交"
    filing = Filing.objects.get(name="龙博苑合唱团")
    services.review_filing(filing_id=filing.pk, by=reviewer, passed=True)
    services.file_filing(filing_id=filing.pk, by=federation)
    page.reload()
    assert page.locator("#state").inner_text() == "已备案"
    assert page.get_by_text("HTBA-110114011-").is_visible()
    page.goto(page.base_url + "/organizations/?q=合唱")
    assert page.get_by_role("link", name="龙博苑合唱团").is_visible()


def test_member_submits_the_annual_report(page, tmp_path):
    from registry.models import AnnualReport, Organization
    from tests.conftest import make_user

    setup_world()
    org = Organization.objects.create(
        name="回天社会工作服务中心",
        uscc="52110114MJ0000002E",
        legal_form="social_service",
        registration_level="district",
        home_area=Area.objects.get(code="110114011"),
    )
    make_user("e2e_member", Role.ORG_MEMBER, organization=org)
    report = tmp_path / "2025年度报告.pdf"
    report.write_bytes(b"%PDF-1.4 annual report")
    bad = tmp_path / "report.exe"
    bad.write_bytes(b"MZ")
    sign_in(page, "e2e_member")
    page.goto(page.base_url + "/portal/")
    page.get_by_role("link", name="年度报告").click()
    page.get_by_label("年度").fill("2025")
    page.get_by_label("工作总结").fill("开展助老服务 120 场")
    page.get_by_label("收入（元）").fill("150000")
    page.get_by_label("支出（元）").fill("132000.50")
    page.get_by_label("报告文件").set_input_files(str(bad))
    page.get_by_role("button", name="提交年度报告").click()
    assert page.locator(".invalid-feedback").filter(has_text="exe").is_visible()
    page.get_by_label("报告文件").set_input_files(str(report))
    page.get_by_role("button", name="提交年度报告").click()
    page.wait_for_url(page.base_url + "/portal/")
    assert AnnualReport.objects.filter(organization=org, year=2025).exists()


def test_social_enterprise_applies_for_certification(page, tmp_path, settings):
    from registry import services
    from registry.models import Certification, CertificationBatch, Organization
    from tests.conftest import make_user

    settings.MEDIA_ROOT = tmp_path / "media"  # uploaded evidence stays out of var/media
    setup_world()
    org = Organization.objects.create(
        name="回天善食社会企业",
        uscc="52110114MJ0000002E",
        legal_form="social_enterprise",
        registration_level="district",
        home_area=Area.objects.get(code="110114011"),
    )
    CertificationBatch.objects.create(year=2026, validity_years=2)
    make_user("e2e_se", Role.ORG_MEMBER, organization=org)
    district = make_user("e2e_district", Role.DISTRICT_ADMIN, Area.objects.get(code="110114"))
    evidence = tmp_path / "社会目标证明.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    bad = tmp_path / "evidence.exe"
    bad.write_bytes(b"MZ")
    sign_in(page, "e2e_se")
    page.goto(page.base_url + "/portal/")
    page.get_by_role("link", name="社会企业认证").click()
    page.get_by_label("领域").select_option("elderly")
    page.get_by_label("社会目标及证明").fill("为社区老人提供低价助餐，利润用于助老服务")
    page.get_by_label("证明材料").set_input_files(str(bad))
    page.get_by_role("button", name="申请认证").click()
    # The error stands beside the file field, in Chinese.
    assert page.locator(".invalid-feedback").filter(has_text="exe").is_visible()
    page.get_by_label("证明材料").set_input_files(str(evidence))
    page.get_by_role("button", name="申请认证").click()
    assert page.locator("#certification-2026 .state").inner_text() == "已提交"
    cert = Certification.objects.get(organization=org)
    services.decide_certification(certification_id=cert.pk, by=district, certify=True)
    page.reload()
    assert page.locator("#certification-2026 .state").inner_text() == "已认证"
    assert page.locator(".certificate-number").inner_text() == "HTSE-2026-001"
    assert page.get_by_role("button", name="申请认证").count() == 0
