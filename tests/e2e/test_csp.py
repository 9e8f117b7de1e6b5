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


def _visit(page, console, path, *, expect_text=None):
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    if expect_text:
        page.get_by_text(expect_text).first.wait_for()
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
    _visit(page, console, "/api/docs/", expect_text="/api/v1/areas/")
    # The language switch works without its old inline handler.
    _visit(page, console, "/")
    toggler = page.get_by_role("button", name="菜单")
    if toggler.is_visible():
        toggler.click()
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.locator("h1").first.inner_text() == "Huitian Social Organization Platform"
    assert page.evaluate("window.__csp") == [] and console == []
