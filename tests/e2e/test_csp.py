"""The Content-Security-Policy holds on the real pages in Chromium: no violations."""

import pytest

from huitian import services
from huitian.models import Area, Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" "));
});
"""


def _watch(page):
    console = []
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text
            else None
        ),
    )
    page.add_init_script(WATCH)
    return console


def _visit(page, console, path, *, expect_text=None, expect_selector=None):
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    if expect_text:
        page.get_by_text(expect_text).first.wait_for()
    if expect_selector:
        page.locator(expect_selector).first.wait_for()
    violations = page.evaluate("window.__csp")
    assert violations == [] and console == [], f"{path}: {violations} {console}"


def test_no_csp_violations_on_the_main_pages(page):
    from tests.conftest import PASSWORD, make_user

    services.load_areas()
    make_user("e2e_district", Role.DISTRICT_ADMIN, Area.objects.get(code="110114"))
    console = _watch(page)
    _visit(page, console, "/")
    _visit(page, console, "/accounts/login/")
    _visit(page, console, "/admin/login/")
    page.get_by_label("用户名").fill("e2e_district")
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    _visit(page, console, "/admin/")
    # Swagger UI draws only the operations near the viewport, so wait for the first one.
    _visit(page, console, "/api/docs/", expect_selector=".opblock-summary-path")
    # The language switch works without its old inline handler.
    _visit(page, console, "/")
    toggler = page.get_by_role("button", name="菜单")
    if toggler.is_visible():
        toggler.click()
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.locator("h1").first.inner_text() == "Huitian Social Organization Platform"
    assert page.evaluate("window.__csp") == [] and console == []


def _world():
    """Demo-like records on every page the policy must hold on (the transactional
    e2e database starts empty)."""
    import datetime

    from django.utils import timezone

    from huitian.models import Category
    from huitian.taxonomy import seed_categories
    from procurement.services import lists
    from procurement.services.needs import accept_need, assign_need, resolve_need, submit_need
    from procurement.services.whistle import raise_whistle_call
    from tests.conftest import make_user
    from tests.procurement.factories import OfferFactory, category, community
    from tests.registry.factories import OrganizationFactory

    services.load_areas()
    services.seed_calendar_from_package()
    seed_categories(Category)
    district = make_user("e2e_district", Role.DISTRICT_ADMIN, Area.objects.get(code="110114"))
    clerk = make_user("e2e_clerk", Role.COMMUNITY_STAFF, community())
    org = OrganizationFactory(name="回天助老服务中心")
    OfferFactory(organization=org)
    member = make_user("e2e_member", Role.ORG_MEMBER, organization=org)
    make_user("e2e_resident", Role.RESIDENT, community())
    need = submit_need(
        channel="web_form",
        community=community(),
        category=category(),
        title="老年餐桌午饭不够",
        text="三号楼老年餐桌中午饭菜经常不够",
        contact_phone="13812345678",
    )
    accept_need(need_id=need.pk, by=clerk)
    assign_need(need_id=need.pk, by=clerk, area=community())
    resolve_need(need_id=need.pk, by=clerk, note="已增加午餐供应")
    start, end = lists.period_containing(timezone.localdate())
    needs_list = lists.compile_needs_list(period_start=start, period_end=end)
    lists.publish_needs_list(list_id=needs_list.pk, by=district)
    call = raise_whistle_call(
        by=clerk,
        community=community(),
        category=category(),
        problem="楼上楼下漏水纠纷，需要调解",
        urgency=2,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    return {"need": need, "org": org, "member": member, "list": needs_list, "call": call}


def _sign_in(page, console, username, *, admin=False):
    from tests.conftest import PASSWORD

    _visit(page, console, "/admin/login/" if admin else "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("input[type=submit], button[type=submit]").last.click()


def test_no_csp_violations_on_the_resident_and_public_pages(page):
    world = _world()
    console = _watch(page)
    _visit(page, console, "/needs/new/", expect_text="提交需求")
    # The form sent back with its errors beside the fields (and the character counter).
    page.get_by_label("标题").fill("电梯")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    page.locator(".invalid-feedback").first.wait_for()
    page.get_by_label("遇到了什么问题？").fill("电梯坏了")
    assert page.locator('[data-counter-for="id_text"]').inner_text() == "4 / 2000"
    assert page.evaluate("window.__csp") == [] and console == []
    _visit(page, console, "/needs/track/")
    _visit(page, console, f"/needs/track/{world['need'].tracking_code}/", expect_text="评价")
    _visit(page, console, "/lists/needs/", expect_text="老年餐桌")
    _visit(page, console, "/offers/", expect_text="老年餐桌送餐服务")
    # The category filter submits itself without an inline handler.
    with page.expect_navigation():
        page.locator("select[name=category]").select_option(index=1)
    assert "category=" in page.url
    assert page.evaluate("window.__csp") == [] and console == []
    _visit(page, console, "/organizations/", expect_text="回天助老服务中心")
    _visit(page, console, f"/organizations/{world['org'].pk}/", expect_text="回天助老服务中心")


def test_no_csp_violations_on_the_portal_forms(page):
    world = _world()
    console = _watch(page)
    _sign_in(page, console, "e2e_resident")
    _visit(page, console, "/portal/")
    _visit(page, console, "/portal/registrations/new/", expect_text="提交申请")
    _visit(page, console, "/portal/filings/new/", expect_text="提交备案")
    page.context.clear_cookies()
    _sign_in(page, console, "e2e_member")
    org = world["org"].pk
    _visit(page, console, f"/portal/organizations/{org}/annual-report/")
    _visit(page, console, "/offers/new/")
    _visit(page, console, "/whistle/", expect_text="楼上楼下漏水纠纷")


def test_no_csp_violations_on_the_admin_pages(page):
    world = _world()
    console = _watch(page)
    _sign_in(page, console, "e2e_district", admin=True)
    _visit(page, console, "/admin/procurement/need/", expect_text="老年餐桌午饭不够")
    _visit(page, console, f"/admin/procurement/need/{world['need'].pk}/change/")
    _visit(page, console, "/admin/registry/organization/", expect_text="回天助老服务中心")
    _visit(page, console, f"/admin/procurement/whistlecall/{world['call'].pk}/change/")
    _visit(page, console, "/admin/procurement/needimport/add/")
    _visit(page, console, f"/admin/procurement/needslist/{world['list'].pk}/change/")
