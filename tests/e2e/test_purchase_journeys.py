"""Purchase of services in the browser (issue 9, "Done when"): an organization member
applies for an open project, signs and reports a milestone in the portal; street staff
pay the installment in the admin; the member sees the payment."""

import pytest

from huitian import services
from huitian.models import Area, Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, username, *, admin=False):
    from tests.conftest import PASSWORD

    page.goto(page.base_url + ("/admin/login/" if admin else "/accounts/login/"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit], button[type=submit]").last.click()


def test_member_applies_and_reports_staff_pay(page, browser, live_server):
    from procurement.models import Installment, MilestoneReport, ProjectApplication
    from procurement.services import contracts, projects
    from tests.conftest import make_user
    from tests.e2e.test_csp import _watch
    from tests.procurement import factories as f
    from tests.registry.factories import OrganizationFactory

    services.load_areas()
    services.seed_calendar_from_package()
    street = Area.objects.get(code="110114011")
    district = make_user("e2e_p_district", Role.DISTRICT_ADMIN, Area.objects.get(code="110114"))
    staff = make_user("e2e_p_street", Role.STREET_STAFF, street)
    evaluator = make_user("e2e_p_evaluator", Role.EVALUATOR, street)
    org = OrganizationFactory(name="回龙观助老服务中心")
    member = make_user("e2e_p_member", Role.ORG_MEMBER, organization=org)
    budget = f.funded_budget(district, street, amount="300000")
    project = f.open_project(staff, street, budget, evaluator, title="老年餐桌助餐服务")

    # The member applies in the portal (the nav leads there).
    console = _watch(page)
    sign_in(page, "e2e_p_member")
    page.locator(".navbar-toggler").click()  # a phone: the menu is folded
    with page.expect_navigation():
        page.locator('nav a[href="/purchases/"]').first.click()
    page.locator(f'a[href="/purchases/projects/{project.pk}/apply/{org.pk}/"]').click()
    assert page.locator("h1").inner_text() == "老年餐桌助餐服务"
    page.locator("textarea[name=proposal]").fill("组建6人助餐团队，与社区食堂合作配送")
    page.locator("input[name=quoted_amount]").fill("300000")
    with page.expect_navigation():
        page.get_by_role("button", name="提交申报").click()
    application = ProjectApplication.objects.get(project=project, organization=org)
    assert application.submitted_by == member

    # Staff close, award and draft the contract; the member signs in the portal.
    projects.close_applications(f.past_deadline(project), by=staff)
    projects.award(project, application=application, by=staff, reason="方案最优")
    plan = contracts.PeriodPlan(
        amount="300000",
        start_date=f.datetime.date(f.PROJECT_YEAR, 1, 1),
        end_date=f.datetime.date(f.PROJECT_YEAR, 12, 31),
    )
    contract = contracts.draft_contract(project, by=staff, periods=[plan])
    page.goto(f"{page.base_url}/purchases/contracts/{contract.pk}/")
    page.locator("input[name=no_subcontracting]").check()
    with page.expect_navigation():
        page.locator("form:has(input[value=sign]) button[type=submit]").click()
    contract.refresh_from_db()
    assert contract.state == "org_signed"
    contracts.countersign(contract, by=staff)
    contracts.start_service(contract, by=staff)

    # The member reports the first milestone.
    page.reload()
    first = Installment.objects.get(period__contract=contract, order=1)
    page.locator("select[name=installment]").select_option(str(first.pk))
    page.locator("textarea[name=text]").fill("完成团队组建，服务老人120户。")
    with page.expect_navigation():
        page.locator("form:has(input[value=report]) button[type=submit]").click()
    report = MilestoneReport.objects.get(installment=first)
    assert report.submitted_by == member
    assert page.evaluate("window.__csp") == [] and console == []

    # Staff accept the report and pay the installment in the admin (desktop width).
    contracts.accept_milestone_report(report, by=staff)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    admin = context.new_page()
    admin.base_url = live_server.url
    sign_in(admin, "e2e_p_street", admin=True)
    admin.goto(f"{admin.base_url}/admin/procurement/installment/")
    admin.locator(f"input[name=_selected_action][value='{first.pk}']").check()
    admin.locator("select[name=action]").select_option("pay")
    with admin.expect_navigation():
        admin.locator("button[name=index]").click()
    first.refresh_from_db()
    assert first.state == "paid" and first.paid_amount == 90000
    context.close()

    # The member sees the payment on the contract page.
    page.reload()
    assert "90000" in page.content().replace(",", "")
