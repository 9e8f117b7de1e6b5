"""The portal shell as a person meets it: home, sign-in, language switch."""

import pytest

from huitian import services
from huitian.models import Area, Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_resident_signs_in_and_switches_to_english(page):
    from tests.conftest import PASSWORD, make_user

    services.load_areas()
    make_user("e2e_resident", Role.RESIDENT, Area.objects.get(code="110114011001"))

    page.goto(page.base_url + "/")
    assert page.locator("h1").first.inner_text() == "回天社会组织服务平台"
    page.get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill("e2e_resident")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.locator(".alert-danger").is_visible()
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")
    assert page.get_by_role("button", name="退出").is_visible()

    page.get_by_role("button", name="菜单").click() if page.get_by_role(
        "button", name="菜单"
    ).is_visible() else None
    with page.expect_navigation():
        page.get_by_label("语言").select_option("en")
    assert page.locator("h1").first.inner_text() == "Huitian Social Organization Platform"
