"""The public reads a purchase from the list to its evaluation, on a phone (item 7)."""

import pytest

from huitian import services
from huitian.models import Area, Role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_public_follows_a_purchase_to_its_evaluation(page):
    from procurement.services import evaluation as svc
    from tests.conftest import make_user
    from tests.e2e.test_csp import _watch
    from tests.procurement import factories
    from tests.registry.factories import OrganizationFactory

    services.load_areas()
    services.seed_calendar_from_package()
    street = Area.objects.get(code="110114011")
    district = make_user("e2e_district", Role.DISTRICT_ADMIN, Area.objects.get(code="110114"))
    staff = make_user("e2e_street", Role.STREET_STAFF, street)
    org = OrganizationFactory(name="回龙观助老服务中心")
    evaluator = make_user("e2e_evaluator", Role.EVALUATOR, street)
    member = factories.member_of(org)
    budget = factories.funded_budget(district, street, amount="80000")
    contract = factories.contract_in_service(
        staff, street, budget, evaluator, org, member, amount="80000", title="老年人助餐服务"
    )
    period = contract.periods.get()
    factories.pay_non_final(period, staff, member)
    for rating in (5, 4, 5):
        svc.record_survey_response(period_id=period.pk, rating=rating, by=staff)
    svc.evaluate_period(period_id=period.pk, quantity_score="90", quality_score="88", by=staff)
    svc.pay_final_installment(period_id=period.pk, by=staff)

    console = _watch(page)
    page.goto(page.base_url + "/purchases/public/")
    assert page.locator("h1").inner_text() == "政府购买服务"
    page.get_by_text("老年人助餐服务").click()
    assert page.locator("h1").inner_text() == "老年人助餐服务"
    assert page.get_by_text("回龙观助老服务中心").first.is_visible()
    assert page.get_by_text("第 1 年").is_visible()
    assert "13800138000" not in page.content()  # the organization's phone is never shown
    page.get_by_role("link", name="政府购买服务").click()
    page.get_by_role("link", name="评价结果").click()
    assert page.locator("h1").inner_text() == "评价结果"
    assert page.get_by_text("回龙观助老服务中心").is_visible()
    # Nothing runs wider than the phone, and the policy holds.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("window.__csp") == [] and console == []
