"""Clerks in the admin and organizations in the portal, at 1280 px (issue 13, items 7–13):
the needs and topic lists keep 状态 and the deadline / 对接 in view with the sidebar open,
a record's next steps are buttons, queues are sorted by urgency, members act on their needs
and offers in the portal.

Set E2E_SCREENSHOTS to a folder to keep a screenshot of each page.
"""

import datetime
import os

import pytest
from django.utils import timezone

from huitian import services as kernel
from huitian.models import Area, Category, Role
from huitian.taxonomy import seed_categories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOTS", "")
WIDTH = 1280


@pytest.fixture
def wide(browser, live_server):
    context = browser.new_context(viewport={"width": WIDTH, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    yield page
    context.close()


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


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


def in_view(page, selector):
    """The element's right edge lies inside the window (no horizontal scroll needed)."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["x"] >= 0 and box["x"] + box["width"] <= WIDTH


def test_street_clerk_needs_list_at_1280_urgent_first_with_deadlines(wide):
    from procurement.models import Need
    from tests.conftest import make_user
    from tests.procurement.factories import NeedFactory

    setup_world()
    a1 = Area.objects.get(code="110114011001")
    a2 = Area.objects.get(code="110114011002")
    make_user("e2e_street", Role.STREET_STAFF, a1.parent)
    today = timezone.localdate()
    d = datetime.timedelta
    NeedFactory(
        title="小区门口路灯长期不亮夜间出行不便",
        state=Need.State.ACCEPTED,
        resolution_due=today + d(days=25),
    )
    late = NeedFactory(
        title="三号楼楼道堆物严重影响消防通道",
        state=Need.State.RECEIVED,
        response_due=today - d(days=6),
        resolution_due=today + d(days=15),
    )
    NeedFactory(title="万润家园电梯异响", community=a2, resolution_due=today + d(days=9))
    sign_in(wide, "e2e_street")
    wide.goto(wide.base_url + "/admin/procurement/need/")
    assert wide.locator("#nav-sidebar").is_visible()  # the sidebar is open
    assert in_view(wide, "th.column-state") and in_view(wide, "th.column-deadline")
    first = wide.locator("#result_list tbody tr").first
    assert late.title in first.inner_text()
    assert "响应期限" in first.inner_text() and "个工作日" in first.inner_text()
    shot(wide, "clerk-needs-list")
    # the community filter and a search by community name
    wide.goto(wide.base_url + "/admin/procurement/need/?q=万润家园")
    assert wide.locator("#result_list tbody tr").count() == 1
    wide.goto(wide.base_url + f"/admin/procurement/need/?community={a1.pk}")
    assert "万润家园电梯异响" not in wide.locator("#result_list").inner_text()
    # the portal queue says which deadline was missed
    wide.goto(wide.base_url + "/needs/queue/")
    row = wide.locator(".list-group-item").first
    assert late.title in row.inner_text() and "响应期限" in row.inner_text()
    shot(wide, "clerk-needs-queue")


def test_topic_list_and_draft_needs_list_at_1280(wide):
    from procurement.models import Topic
    from procurement.services import lists
    from tests.conftest import make_user
    from tests.procurement.factories import web_need

    setup_world()
    a1 = Area.objects.get(code="110114011001")
    make_user("e2e_district", Role.DISTRICT_ADMIN, a1.parent.parent)
    for i in range(3):
        web_need(
            "3号楼电梯故障", "小区3号楼电梯经常故障，老人上下楼困难", contact_phone=f"1381234560{i}"
        )
    web_need("路灯不亮", "5号楼路灯不亮", contact_phone="13812345699")
    lists.group_pending_needs(100)
    start, end = lists.period_containing(timezone.localdate())
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    sign_in(wide, "e2e_district")
    wide.goto(wide.base_url + "/admin/procurement/topic/")
    assert in_view(wide, "th.column-state") and in_view(wide, "th.column-candidates_link")
    shot(wide, "clerk-topic-list")
    # the draft list shows its topics before publishing; publish is a button
    wide.goto(wide.base_url + f"/admin/procurement/needslist/{lst.pk}/change/")
    table = wide.locator("table.topics-in-list")
    assert "3号楼电梯故障" in table.inner_text()
    shot(wide, "clerk-draft-needs-list")
    with wide.expect_navigation():
        wide.locator('#workflow-steps button[data-step="publish"]').click()
    assert wide.locator(".messagelist .success").count() == 1
    lst.refresh_from_db()
    assert lst.state == "published"
    # split a topic on its own screen
    topic = Topic.objects.get(title__contains="电梯")
    wide.goto(wide.base_url + f"/admin/procurement/topic/{topic.pk}/change/")
    wide.get_by_role("link", name="拆分议题").click()
    wide.locator('input[name="needs"]').first.check()
    wide.get_by_label("新议题的标题").fill("3号楼电梯异响")
    shot(wide, "clerk-topic-split")
    with wide.expect_navigation():
        wide.get_by_role("button", name="拆分议题").click()
    assert Topic.objects.filter(title="3号楼电梯异响", need_count=1).exists()


def test_registration_steps_are_buttons_and_the_dropdown_only_the_roles(wide):
    from registry.models import RegistrationApplication
    from tests.conftest import make_user
    from tests.registry.factories import RegistrationFactory

    setup_world()
    a1 = Area.objects.get(code="110114011001")
    make_user("e2e_street", Role.STREET_STAFF, a1.parent)
    app = RegistrationFactory(name="回天助老服务中心")
    RegistrationFactory(name="早已批准的中心", state="approved")
    sign_in(wide, "e2e_street")
    wide.goto(wide.base_url + "/admin/registry/registrationapplication/")
    options = wide.locator('select[name="action"] option').all_inner_texts()
    assert any("受理" in o for o in options) and not any("批准" in o for o in options)
    names = wide.locator(
        "#result_list tbody th, #result_list tbody td.field-name"
    ).all_inner_texts()
    assert names.index("回天助老服务中心") < names.index("早已批准的中心")
    wide.goto(wide.base_url + f"/admin/registry/registrationapplication/{app.pk}/change/")
    steps = wide.locator("#workflow-steps")
    assert steps.is_visible()
    shot(wide, "clerk-registration-steps")
    steps.locator('button[data-step="accept"]').click()
    wide.wait_for_url(f"**/registrationapplication/{app.pk}/change/")
    app.refresh_from_db()
    assert app.state == RegistrationApplication.State.ACCEPTED
    # accepted: deciding is the district's, so no step is left for the street clerk
    assert wide.locator("#workflow-steps .workflow-none").is_visible()
    shot(wide, "clerk-registration-accepted")


def test_member_acts_on_assigned_needs_and_offers_in_the_portal(wide):
    from procurement.models import Need
    from tests.conftest import make_user
    from tests.procurement.factories import NeedFactory, OfferFactory

    setup_world()
    offer = OfferFactory(title="助餐服务")
    org = offer.organization
    make_user("e2e_member", Role.ORG_MEMBER, organization=org)
    need = NeedFactory(assigned_org=org, state=Need.State.ASSIGNED, title="老人午餐配送")
    sign_in(wide, "e2e_member")
    wide.goto(wide.base_url + "/needs/assigned/")
    item = wide.locator(f"#need-{need.pk}")
    with wide.expect_navigation():
        item.get_by_role("button", name="开始服务").click()
    need.refresh_from_db()
    assert need.state == "in_service"
    wide.locator(f"#need-{need.pk} input[name=note]").fill("已送餐到户")
    shot(wide, "member-assigned")
    with wide.expect_navigation():
        wide.locator(f"#need-{need.pk}").get_by_role("button", name="办结解决").click()
    need.refresh_from_db()
    assert need.state == "resolved"
    wide.goto(wide.base_url + "/offers/mine/")
    later = timezone.localdate() + datetime.timedelta(days=365)
    card = wide.locator(f"#offer-{offer.pk}")
    card.locator('input[name="valid_until"]').fill(later.isoformat())
    with wide.expect_navigation():
        card.get_by_role("button", name="续期").click()
    offer.refresh_from_db()
    assert offer.valid_until == later
    shot(wide, "member-offers")
    with wide.expect_navigation():
        wide.locator(f"#offer-{offer.pk}").get_by_role("button", name="撤回").click()
    offer.refresh_from_db()
    assert offer.state == "withdrawn"
