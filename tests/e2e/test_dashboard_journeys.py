"""Dashboard journeys: the district drills from Huitian to 回龙观街道 to 龙博苑社区, switches a
chart to its table and downloads it; the street clerk sees only its street."""

import csv
import io
import os
from decimal import Decimal

import pytest
from django.utils import timezone

from huitian import services as kernel
from huitian.models import Area, Category, Role
from huitian.taxonomy import seed_categories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SHOTS", "/tmp/e2e-shots")
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" "));
});
"""


def setup_world():
    from tests.conftest import make_user
    from tests.procurement.factories import NeedFactory

    kernel.load_areas()
    kernel.seed_calendar_from_package()
    seed_categories(Category)
    longboyuan = Area.objects.get(code="110114011001")
    sibling = Area.objects.get(code="110114011002")
    other_street = Area.objects.get(code="110114008001")
    for community, n in ((longboyuan, 4), (sibling, 2), (other_street, 3)):
        for _i in range(n):
            NeedFactory(community=community)
    from tests.registry.factories import OrganizationFactory

    OrganizationFactory(home_area=longboyuan)
    OrganizationFactory(home_area=other_street, legal_form="community_group")
    make_user("e2e_district", Role.DISTRICT_ADMIN, Area.objects.get(code="110114"))
    make_user("e2e_street", Role.STREET_STAFF, Area.objects.get(code="110114011"))
    return longboyuan


def sign_in(page, username):
    from tests.conftest import PASSWORD

    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(page.base_url + "/")


def open_dashboard(page, query=""):
    year = timezone.localdate().year
    page.goto(f"{page.base_url}/dashboards/?app=procurement&period={year}{query}")
    page.locator('[data-chart="needs-by-area"][data-drawn="true"]').wait_for()


def canvas_is_drawn(page, key) -> bool:
    """The chart's canvas has pixels that are not background."""
    return page.evaluate(
        """key => {
          const c = document.querySelector('#chart-' + key + ' canvas');
          if (!c || !c.width) return false;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let ink = 0;
          for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] && (d[i] < 200 || d[i + 1] < 200)) ink++;
          }
          return ink > 200;
        }""",
        key,
    )


def click_bar(page, key, label):
    """Click the bar of `label` in the chart, where ECharts drew it."""
    point = page.evaluate(
        """([key, label]) => {
          const el = document.getElementById('chart-' + key);
          const chart = echarts.getInstanceByDom(el);
          const p = JSON.parse(document.getElementById('panel-data-' + key).textContent);
          const i = p.rows.findIndex(r => r.area === label);
          const value = p.rows[i][p.columns.find(c => c.series).key];
          const opt = chart.getOption();
          const horizontal = opt.yAxis[0].type === 'category';
          const xy = chart.convertToPixel({seriesIndex: 0},
                                          horizontal ? [value / 2, i] : [i, value / 2]);
          const box = el.getBoundingClientRect();
          return [box.left + xy[0], box.top + xy[1]];
        }""",
        [key, label],
    )
    page.mouse.click(point[0], point[1])


def table_numbers(page, key, column="received") -> dict[str, int]:
    out = {}
    for row in page.locator(f"#table-{key} tbody tr").all():
        name = row.locator("td").first.inner_text().strip()
        out[name] = int(row.locator(f'td[data-col="{column}"]').inner_text())
    return out


def test_district_drills_down_switches_to_the_table_and_downloads(browser, live_server):
    from procurement.models import Need

    longboyuan = setup_world()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    page.add_init_script(CSP_WATCH)
    os.makedirs(SHOTS, exist_ok=True)
    sign_in(page, "e2e_district")

    open_dashboard(page)
    assert page.get_by_test_id("current-area").inner_text() == "昌平区"
    assert canvas_is_drawn(page, "needs-by-area")
    page.screenshot(path=f"{SHOTS}/dashboard-district-1280.png", full_page=False)

    # Drill by clicking the bar of 回龙观街道.
    with page.expect_navigation():
        click_bar(page, "needs-by-area", "回龙观街道")
    page.locator('[data-chart="needs-by-area"][data-drawn="true"]').wait_for()
    assert page.get_by_test_id("current-area").inner_text() == "回龙观街道"

    # Then by a cell of the table: the switch shows the same numbers as a table.
    page.locator('[data-toggle-table="needs-by-area"]').click()
    assert page.locator("#chart-needs-by-area").is_hidden()
    shown = table_numbers(page, "needs-by-area")
    assert shown[longboyuan.name] == Need.objects.filter(community=longboyuan).count() == 4
    with page.expect_navigation():
        page.locator("#table-needs-by-area").get_by_role("link", name=longboyuan.name).click()
    page.locator('[data-chart="needs-by-area"][data-drawn="true"]').wait_for()
    assert page.get_by_test_id("current-area").inner_text() == longboyuan.name
    assert "龙博苑社区" in longboyuan.name
    assert canvas_is_drawn(page, "needs-by-area")

    page.locator('[data-toggle-table="needs-by-area"]').click()
    assert table_numbers(page, "needs-by-area") == {longboyuan.name: 4}
    with page.expect_download() as info:
        page.get_by_test_id("csv-needs-by-area").click()
    with open(info.value.path(), encoding="utf-8-sig") as f:
        text = f.read()
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:2] == ["区域", "受理需求数"]
    assert lines[1][:2] == [longboyuan.name, str(Need.objects.filter(community=longboyuan).count())]
    # A panel with nothing to draw says so.
    assert page.get_by_test_id("empty-whistle").is_visible()
    page.screenshot(path=f"{SHOTS}/dashboard-community-1280.png", full_page=True)
    # The registry's panels draw too (pies among them).
    page.goto(f"{page.base_url}/dashboards/?app=registry")
    page.locator('[data-chart="orgs-by-legal-form"][data-drawn="true"]').wait_for()
    assert canvas_is_drawn(page, "orgs-by-legal-form")
    page.screenshot(path=f"{SHOTS}/dashboard-registry-1280.png", full_page=True)
    assert page.evaluate("window.__csp") == []
    context.close()


def test_street_clerk_sees_only_its_street_on_a_phone(page):
    setup_world()
    page.add_init_script(CSP_WATCH)
    sign_in(page, "e2e_street")
    open_dashboard(page)
    assert page.get_by_test_id("current-area").inner_text() == "回龙观街道"
    assert canvas_is_drawn(page, "needs-by-area")
    options = page.locator("#dash-area option").all_inner_texts()
    assert not any("天通苑" in o for o in options)
    page.locator('[data-toggle-table="needs-by-area"]').click()
    numbers = table_numbers(page, "needs-by-area")
    assert sum(numbers.values()) == 6 and all("天通苑" not in k for k in numbers)
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/dashboard-street-390.png", full_page=True)
    page.screenshot(path=f"{SHOTS}/dashboard-street-390-top.png")
    page.locator('[data-panel="hot-spots"]').scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/dashboard-street-390-heat.png")
    # Asking for another street by hand is refused.
    other = Area.objects.get(code="110114008")
    response = page.goto(f"{page.base_url}/dashboards/?area={other.pk}")
    assert response.status == 403
    assert page.evaluate("window.__csp") == []


def flow_rows(page) -> dict[tuple[str, str], Decimal]:
    """The money flow's table as shown (yuan, "100,000.00"): (from, to) → amount."""
    out = {}
    for row in page.locator("#table-money-flow tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        amount = row.locator('td[data-col="amount"]').inner_text()
        out[(cells[0].strip(), cells[1].strip())] = Decimal(amount.replace(",", ""))
    return out


@pytest.mark.parametrize("width", [1280, 390])
def test_the_money_flow_is_drawn_and_its_table_is_the_ledger(browser, live_server, cast, width):
    """Sources → streets → projects: the sankey's canvas is drawn, and its table holds
    the ledger's own sums; the other street's clerk sees no flow at all."""
    from django.db.models import Sum

    from huitian.models import LedgerEntry
    from procurement.models.contracts import ContractPeriod
    from procurement.models.funds import Budget
    from tests.procurement import factories, purchases

    contract = purchases.in_service(cast, title="回龙观助餐服务")
    period = ContractPeriod.objects.get(contract=contract)
    budget = Budget.objects.get(pk=period.budget_id)
    committed = LedgerEntry.objects.filter(movement=period.committed_movement).aggregate(
        s=Sum("amount")
    )["s"]
    allocated = LedgerEntry.objects.filter(
        debit=budget.account, movement__kind="allocate"
    ).aggregate(s=Sum("amount"))["s"]

    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    page.add_init_script(CSP_WATCH)
    os.makedirs(SHOTS, exist_ok=True)
    sign_in(page, cast.district.username)
    page.goto(f"{page.base_url}/dashboards/?app=procurement&period={factories.PROJECT_YEAR}")
    page.locator('[data-chart="money-flow"][data-drawn="true"]').wait_for()
    page.locator('[data-panel="money-flow"]').scroll_into_view_if_needed()
    assert canvas_is_drawn(page, "money-flow")
    page.screenshot(path=f"{SHOTS}/dashboard-money-flow-{width}.png")

    page.locator('[data-toggle-table="money-flow"]').click()
    shown = flow_rows(page)
    street = budget.area.name
    assert shown[(budget.source.name, street)] == allocated
    assert shown[(street, "回龙观助餐服务")] == committed
    with page.expect_download() as info:
        page.get_by_test_id("csv-money-flow").click()
    with open(info.value.path(), encoding="utf-8-sig") as f:
        lines = list(csv.reader(f))
    assert [street, "回龙观助餐服务"] == lines[2][:2] and Decimal(lines[2][3]) == committed
    assert page.evaluate("window.__csp") == []
    context.close()

    if width == 390:
        other = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = other.new_page()
        page.base_url = live_server.url
        sign_in(page, cast.street_b.username)
        page.goto(f"{page.base_url}/dashboards/?app=procurement&period={factories.PROJECT_YEAR}")
        assert page.get_by_test_id("empty-money-flow").is_visible()
        other.close()
