"""The resident journey: submit on the web form → follow by tracking code → rate."""

import pytest

from huitian import services
from huitian.models import Area, Category, Role
from huitian.taxonomy import seed_categories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_resident_submits_follows_and_rates(page):
    from procurement.models import Need
    from procurement.services import needs as svc
    from tests.conftest import make_user

    services.load_areas()
    services.seed_calendar_from_package()
    seed_categories(Category)
    community = Area.objects.get(code="110114011001")
    staff = make_user("e2e_staff", Role.COMMUNITY_STAFF, community)

    page.goto(page.base_url + "/needs/new/")
    assert page.locator("h1").inner_text() == "提交需求"
    # Communities are grouped under their street; the option is the community's own name.
    assert page.locator(f'optgroup[label="{community.parent.name}"]').count() == 1
    page.get_by_label("社区").select_option(label=community.name)
    page.get_by_label("类别").select_option(label="老年餐桌")
    page.get_by_label("标题").fill("老年餐桌午饭不够")
    page.get_by_label("遇到了什么问题？").fill("三号楼老年餐桌中午饭菜经常不够，高龄老人吃不上热饭")
    page.get_by_label("联系电话（仅承办工作人员可见）").fill("12345")
    page.get_by_role("button", name="提交").click()
    # The bad phone number is refused beside its field; nothing is saved.
    assert page.locator(".invalid-feedback").first.is_visible()
    assert Need.objects.count() == 0
    page.get_by_label("联系电话（仅承办工作人员可见）").fill("13812345678")
    page.get_by_role("button", name="提交").click()

    code = page.get_by_test_id("tracking-code").inner_text()
    need = Need.objects.get(tracking_code=code)
    assert page.get_by_test_id("state").inner_text() == "已接收"
    assert "13812345678" not in page.content()

    # Staff handle it; the resident comes back later with the code alone.
    svc.accept_need(need_id=need.pk, by=staff)
    svc.assign_need(need_id=need.pk, by=staff, area=community)
    svc.resolve_need(need_id=need.pk, by=staff, note="已增加午餐供应")

    page.goto(page.base_url + "/needs/track/")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    assert page.get_by_test_id("state").inner_text() == "已解决"
    page.get_by_label("4 ★★★★", exact=True).check()
    page.get_by_label("您的评价（选填）").fill("很及时，谢谢")
    page.get_by_role("button", name="提交评价").click()
    assert page.get_by_test_id("state").inner_text() == "已办结"
    need.refresh_from_db()
    assert need.state == "closed" and need.satisfaction == 4
    assert page.get_by_text("问题没解决？").is_visible()
