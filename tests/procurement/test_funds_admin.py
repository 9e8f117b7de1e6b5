"""The funds and foundation staff screens: writes through services, scoped, refusals beside
the fields, the report exported from the changelist."""

import io

import pytest

from procurement.models import Budget, Disbursement, Donation
from procurement.services import foundation, funds
from tests.conftest import COMMUNITY_A1, COMMUNITY_B1, STREET_A

pytestmark = pytest.mark.django_db
BUDGETS = "/admin/procurement/budget/"
DONATIONS = "/admin/procurement/donation/"
DISBURSEMENTS = "/admin/procurement/disbursement/"


@pytest.fixture
def special(cast):
    source = funds.special_fund()
    funds.fund_source(source_id=source.pk, amount="1000", by=cast.district)
    return source


def test_district_allocates_a_budget_in_the_admin_and_refusals_sit_beside_the_field(
    cast, client, special
):
    client.force_login(cast.district)
    form = {"source": special.pk, "area": cast.area(STREET_A).pk, "year": 2026, "note": ""}
    page = client.post(f"{BUDGETS}add/", form | {"amount": "1000.01"})
    assert page.status_code == 200 and "¥1,000.01" in page.content.decode()
    assert not Budget.objects.exists()
    page = client.post(f"{BUDGETS}add/", form | {"amount": "600"})
    assert page.status_code == 302
    budget = Budget.objects.get()
    assert budget.account.balance == 600
    client.force_login(cast.street_a)
    assert client.get(f"{BUDGETS}add/").status_code == 403  # only district finance allocates
    assert client.get(f"{BUDGETS}{budget.pk}/change/").status_code == 200
    client.force_login(cast.street_b)
    assert client.get(f"{BUDGETS}{budget.pk}/change/").status_code == 302  # not theirs


def test_the_report_exports_from_the_changelist_scoped(cast, client, special):
    from openpyxl import load_workbook

    a = funds.allocate_budget(
        source_id=special.pk, area=cast.area(STREET_A), year=2026, amount="10", by=cast.district
    )
    client.force_login(cast.street_a)
    response = client.post(BUDGETS, {"action": "export_report", "_selected_action": [a.pk]})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert list(sheet.values)[1][4] == 10


def test_donations_and_disbursements_in_the_admin(cast, client):
    fund = foundation.open_foundation_fund(
        community=cast.area(COMMUNITY_A1), managers=[cast.community_a1], by=cast.district
    )
    client.force_login(cast.community_a1)
    page = client.post(
        f"{DONATIONS}add/",
        {
            "fund": fund.pk,
            "donor_kind": "merchant",
            "donor_name": "便民菜店",
            "amount": "100",
            "donated_on": "2026-03-01",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    assert Donation.objects.get().receipt_number == "HTJJH2026-000001"
    page = client.post(
        f"{DISBURSEMENTS}add/",
        {"fund": fund.pk, "amount": "100.01", "beneficiary": "驿站", "purpose": "餐食"},
    )
    assert page.status_code == 200 and "¥100.01" in page.content.decode()
    client.post(
        f"{DISBURSEMENTS}add/",
        {"fund": fund.pk, "amount": "60", "beneficiary": "驿站", "purpose": "餐食"},
    )
    item = Disbursement.objects.get()
    for action in ("approve", "pay"):
        client.post(DISBURSEMENTS, {"action": action, "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.state == "paid"
    client.force_login(cast.community_b1)
    assert client.get(f"{DISBURSEMENTS}{item.pk}/change/").status_code == 302
    assert client.get(f"/admin/procurement/foundationfund/{fund.pk}/change/").status_code == 302


def test_a_fund_of_another_community_refuses_a_clerk_in_the_admin(cast, client):
    fund = foundation.open_foundation_fund(community=cast.area(COMMUNITY_B1), by=cast.district)
    client.force_login(cast.community_a1)
    page = client.post(
        f"{DONATIONS}add/",
        {
            "fund": fund.pk,
            "donor_kind": "company",
            "donor_name": "x",
            "amount": "1",
            "donated_on": "2026-03-01",
        },
    )
    assert page.status_code in (200, 403) and not Donation.objects.exists()
