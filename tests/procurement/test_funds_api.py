"""/api/v1/funds/…: allocations, commitments and the report through the API."""

import io
from decimal import Decimal

import pytest

from procurement.services import funds
from tests.conftest import STREET_A, STREET_B, api_as

pytestmark = pytest.mark.django_db
URL = "/api/v1/funds/"


@pytest.fixture
def special(cast):
    source = funds.special_fund()
    funds.fund_source(source_id=source.pk, amount="40000000", by=cast.district)
    return source


def test_sources_list_for_staff_only(cast, special):
    r = api_as(cast.street_a).get(f"{URL}sources/")
    assert r.status_code == 200 and len(r.json()) == 8
    assert {s["code"]: s["available"] for s in r.json()}["huitian_special"] == "40000000.00"


def test_allocate_the_special_fund_and_read_the_report(cast, special):
    body = {
        "year": 2026,
        "shares": [
            {"street": STREET_A, "amount": "3000000"},
            {"street": STREET_B, "amount": "2000000"},
        ],
    }
    r = api_as(cast.district).post(
        f"{URL}budgets/allocate-special-fund/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert r.status_code == 201, r.json()
    again = api_as(cast.district).post(
        f"{URL}budgets/allocate-special-fund/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert again.status_code == 201 and again.json() == r.json()  # a retry, not a second one
    special.account.refresh_from_db()
    assert special.account.balance == Decimal("35000000.00")

    budget_a = next(b for b in r.json() if b["area"]["code"] == STREET_A)
    commit = f"{URL}budgets/{budget_a['id']}/commit/"
    r = api_as(cast.street_a).post(commit, {"amount": "1200000", "purpose": "services"})
    assert r.status_code == 201 and r.json()["kind"] == "commit"
    assert (
        api_as(cast.street_b).post(commit, {"amount": "1", "purpose": "services"}).status_code
        == 404
    )
    assert (
        api_as(cast.auditor).post(commit, {"amount": "1", "purpose": "services"}).status_code == 403
    )

    report = api_as(cast.street_a).get(f"{URL}budgets/report/", {"year": 2026}).json()
    assert [row["street"] for row in report["rows"]] == ["回龙观街道"]
    row = report["rows"][0]
    assert (row["allocated"], row["committed_services"], row["available"]) == (
        "3000000.00",
        "1200000.00",
        "1800000.00",
    )
    assert row["services_share"] == "40.0"
    district = api_as(cast.district).get(f"{URL}budgets/report/").json()
    assert len(district["rows"]) == 2 and district["by_source"][0]["allocated"] == "5000000.00"

    xlsx = api_as(cast.district).get(f"{URL}budgets/report/xlsx/")
    from openpyxl import load_workbook

    assert len(list(load_workbook(io.BytesIO(xlsx.content)).worksheets[0].values)) == 3


@pytest.mark.parametrize(
    ("amount", "status", "where"),
    [
        ("-1", 400, "shares"),
        ("0", 400, "shares"),
        ("1.001", 400, "shares"),
        ("abc", 400, "shares"),
        ("40000000.01", 409, "shares"),
    ],
)
def test_bad_amounts_come_back_with_the_figure(cast, special, amount, status, where):
    r = api_as(cast.district).post(
        f"{URL}budgets/allocate-special-fund/",
        {"year": 2026, "shares": [{"street": STREET_A, "amount": amount}]},
        format="json",
    )
    assert r.status_code == status, r.json()
    body = r.json()
    assert set(body) == {"code", "detail", "fields"} and where in str(body["fields"])


def test_only_district_finance_allocates(cast, special):
    body = {"source": "huitian_special", "area": STREET_A, "year": 2026, "amount": "1"}
    assert api_as(cast.street_a).post(f"{URL}budgets/", body).status_code == 403
    r = api_as(cast.district).post(f"{URL}budgets/", body)
    assert r.status_code == 201 and r.json()["available"] == "1.00"
    assert api_as(cast.street_b).get(f"{URL}budgets/{r.json()['id']}/").status_code == 404
    assert api_as(cast.street_a).get(f"{URL}budgets/{r.json()['id']}/").status_code == 200


def test_the_budget_list_is_pinned(cast, special, django_assert_max_num_queries):
    from huitian.models import Area

    streets = list(Area.objects.filter(level="street"))
    funds.allocate_special_fund(year=2026, shares={s: "1" for s in streets}, by=cast.district)
    client = api_as(cast.district)
    client.get(f"{URL}budgets/")
    with django_assert_max_num_queries(6):
        r = client.get(f"{URL}budgets/")
    assert r.json()["count"] == 7
