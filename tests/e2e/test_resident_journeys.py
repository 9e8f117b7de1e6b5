"""Residents on a phone (390 px): sign up with an SMS code → report a need with a
suggested category → follow it, told what staff did → link an older need → leave.

Screenshots go to $E2E_SHOTS (default var/e2e-shots/) for people to look at.
"""

import os
from pathlib import Path

import pytest

from huitian import services, sms
from huitian.models import Area, Category, Role
from huitian.taxonomy import seed_categories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("E2E_SHOTS", "var/e2e-shots"))
PHONE = "13655556666"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"resident-{name}.png"), full_page=True)


@pytest.fixture
def world(settings):
    settings.SMS_BACKEND = "huitian.sms.LocMemBackend"
    sms.outbox.clear()
    services.load_areas()
    services.seed_calendar_from_package()
    seed_categories(Category)
    from procurement.models import Need
    from procurement.services import suggest
    from procurement.text import tokenize
    from tests.procurement.factories import web_need

    # Past needs the suggestion learns from.
    for text in ("楼道堆物堵住消防通道", "楼道里堆满杂物没人清理", "单元楼道堆放旧家具"):
        need = web_need(text, cat="property_management")
        Need.objects.filter(pk=need.pk).update(
            tokens=" ".join(tokenize(text)), grouped_at=need.created_at
        )
    suggest.forget()
    yield
    sms.outbox.clear()


def test_sign_up_report_follow_link_and_leave(page, world):
    from procurement.models import Need
    from procurement.services import needs as svc
    from tests.conftest import make_user
    from tests.procurement.factories import web_need

    community = Area.objects.get(code="110114011001")
    staff = make_user("e2e_clerk", Role.COMMUNITY_STAFF, community)
    older = web_need("路灯不亮", anonymous=True)

    # A visitor sees what residents use, no staff tiles.
    page.goto(page.base_url + "/")
    assert page.get_by_test_id("for-you").get_by_text("居民注册").is_visible()
    assert page.locator('a[href="/admin/"]').count() == 0
    shot(page, "01-home-visitor")
    page.get_by_role("link", name="注册", exact=True).click()

    # Sign up: the code comes by SMS (the test backend keeps it).
    page.get_by_label("手机号码").fill("136-5555-6666")
    page.get_by_role("button", name="获取验证码").click()
    assert page.get_by_text("验证码已通过短信发送到 13655556666").is_visible()
    code = sms.outbox[-1].code
    page.get_by_label("短信验证码").fill(code)
    page.get_by_label("所在社区").select_option(label=community.name)
    page.get_by_label("姓名（可不填）").fill("韩梅梅")
    shot(page, "02-signup")
    page.get_by_role("button", name="注册", exact=True).click()
    assert page.get_by_text("欢迎！您的账号已经开通。").is_visible()
    mine = page.get_by_test_id("for-you")
    assert mine.get_by_text("我的需求", exact=True).is_visible()
    assert mine.get_by_text("工作人员后台").count() == 0
    shot(page, "03-home-resident")

    # Report a need: the category is suggested from the words; the counter counts.
    mine.get_by_text("提交需求", exact=True).click()
    page.get_by_label("社区").select_option(label=community.name)
    page.get_by_label("标题").fill("楼道堆物")
    page.get_by_label("遇到了什么问题？").fill("三号楼二单元楼道堆满纸箱和旧家具，堵住了消防通道")
    suggestion = page.get_by_test_id("category-suggestions").locator("button").first
    suggestion.wait_for()
    assert "物业管理" in suggestion.inner_text()
    suggestion.click()
    assert page.locator("select[name=category] option:checked").inner_text() == "物业管理"
    assert "/ 2000" in page.locator('[data-counter-for="id_text"]').inner_text()
    # Searching narrows the grouped list; the resident may still choose another.
    page.get_by_label("按关键词查找").fill("停车")
    assert page.locator("select[name=category] option:checked").inner_text() == "停车管理"
    page.get_by_label("按关键词查找").fill("")
    page.get_by_label("类别").select_option(label="物业管理")
    page.get_by_label("联系电话（仅承办工作人员可见）").fill("１３６-５５５５-６６６６")
    shot(page, "04-need-form")
    page.get_by_role("button", name="提交").click()
    tracking = page.get_by_test_id("tracking-code").inner_text()
    need = Need.objects.get(tracking_code=tracking)
    assert need.contact_phone == PHONE and need.category.code == "property_management"
    assert need.submitter.username == PHONE

    # Staff reject it with a word for the resident; the resident reads it and no deadline.
    svc.reject_need(
        need_id=need.pk,
        by=staff,
        reason="out_of_scope",
        note="楼道清理由物业负责，已转告物业，请拨打物业电话 010-88886666",
    )
    page.reload()
    assert page.get_by_test_id("state").inner_text() == "不予受理"
    assert page.get_by_test_id("progress").get_by_text("已转告物业").is_visible()
    assert page.get_by_test_id("resolution-due").count() == 0
    shot(page, "05-track-rejected")

    # My needs: add the older anonymous need by its code.
    page.goto(page.base_url + "/")
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="我的需求").first.click()
    page.get_by_label("查询码").fill(older.tracking_code.lower())
    page.get_by_role("button", name="加入我的需求").click()
    assert page.get_by_test_id("my-needs").get_by_text("路灯不亮").is_visible()
    shot(page, "06-my-needs")

    # Reopen and "handled again": staff resolve the older need, the resident reopens.
    svc.accept_need(need_id=older.pk, by=staff)
    svc.assign_need(need_id=older.pk, by=staff, area=community)
    svc.resolve_need(need_id=older.pk, by=staff, note="已更换灯泡")
    page.get_by_test_id("my-needs").get_by_text("路灯不亮").click()
    assert page.get_by_test_id("progress").get_by_text("已更换灯泡").is_visible()
    page.get_by_label("2 ★★", exact=True).check()
    page.get_by_role("button", name="提交评价").click()
    page.get_by_label("为什么要重新办理？").fill("灯泡换了还是不亮")
    page.get_by_role("button", name="重新办理").click()
    assert page.get_by_test_id("state").inner_text() == "重新办理"
    assert page.get_by_test_id("resolution-due").is_visible()
    shot(page, "07-track-reopened")

    # Leave: the account goes, the needs stay without the person.
    page.goto(page.base_url + "/accounts/me/")
    page.get_by_label("确定注销我的账号，删除我的个人信息。").check()
    page.get_by_role("button", name="注销账号").click()
    assert page.get_by_text("您的账号已注销").is_visible()
    shot(page, "08-erased")
    need.refresh_from_db()
    assert need.submitter is None and need.contact_phone == "" and need.state == "rejected"
