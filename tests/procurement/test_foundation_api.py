"""/api/v1/foundation/… and the public fund pages: no donor's personal data in public."""

import pytest

from procurement.models import Donation
from procurement.services import foundation as svc
from tests.conftest import COMMUNITY_A1, COMMUNITY_B1, api_as

pytestmark = pytest.mark.django_db
URL = "/api/v1/foundation/"


@pytest.fixture
def fund(cast):
    return svc.open_foundation_fund(
        community=cast.area(COMMUNITY_A1), managers=[cast.community_a1], by=cast.district
    )


def donate(client, fund, **kw):
    body = {
        "fund": fund.pk,
        "donor_kind": "company",
        "donor_name": "回龙观物业公司",
        "amount": "500",
    }
    return client.post(f"{URL}donations/", body | kw, format="json")


def test_open_a_fund_through_the_api(cast):
    body = {"community": COMMUNITY_B1, "rules": "用于社区助老"}
    assert api_as(cast.street_a).post(f"{URL}funds/", body).status_code == 403
    r = api_as(cast.street_b).post(f"{URL}funds/", body)
    assert r.status_code == 201 and r.json()["balance"] == "0.00"
    assert api_as(cast.street_a).get(f"{URL}funds/{r.json()['id']}/").status_code == 404


def test_donation_receipts_idempotency_and_the_disbursement_steps(cast, fund):
    clerk = api_as(cast.community_a1)
    r = clerk.post(
        f"{URL}donations/",
        {"fund": fund.pk, "donor_kind": "merchant", "donor_name": "张记早点", "amount": "300"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="d-1",
    )
    assert r.status_code == 201 and r.json()["receipt_number"].endswith("-000001")
    again = clerk.post(
        f"{URL}donations/",
        {"fund": fund.pk, "donor_kind": "merchant", "donor_name": "张记早点", "amount": "300"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="d-1",
    )
    assert again.json() == r.json() and Donation.objects.count() == 1
    bad = donate(clerk, fund, amount="1.234")
    assert bad.status_code == 400 and "amount" in bad.json()["fields"]
    assert donate(api_as(cast.community_b1), fund).status_code == 403
    assert donate(api_as(cast.auditor), fund).status_code == 403

    big = clerk.post(
        f"{URL}disbursements/",
        {"fund": fund.pk, "amount": "300.01", "purpose": "助老餐", "beneficiary": "驿站"},
    )
    assert big.status_code == 409 and big.json()["code"] == "insufficient_funds"
    r = clerk.post(
        f"{URL}disbursements/",
        {"fund": fund.pk, "amount": "200", "purpose": "助老餐", "beneficiary": "驿站"},
    )
    assert r.status_code == 201 and r.json()["state"] == "submitted"
    item = f"{URL}disbursements/{r.json()['id']}/"
    assert api_as(cast.community_b1).post(f"{item}approve/").status_code == 404
    assert api_as(cast.street_a).post(f"{item}approve/").status_code == 403  # not a manager
    assert clerk.post(f"{item}pay/").status_code == 409  # not approved yet
    assert clerk.post(f"{item}approve/").json()["state"] == "approved"
    assert clerk.post(f"{item}pay/").json()["state"] == "paid"
    assert clerk.post(f"{item}reject/", {"note": "晚了"}).status_code == 409


def test_the_public_page_shows_income_and_use_without_donors_personal_data(cast, fund, client):
    svc.record_donation(
        fund_id=fund.pk,
        donor_kind="resident",
        donor_name="李桂兰",
        amount="50",
        by=cast.community_a1,
    )
    svc.record_donation(
        fund_id=fund.pk,
        donor_kind="company",
        donor_name="隐名科技公司",
        anonymous=True,
        amount="1000",
        by=cast.community_a1,
    )
    svc.record_donation(
        fund_id=fund.pk,
        donor_kind="merchant",
        donor_name="王记面馆",
        amount="200",
        by=cast.community_a1,
    )
    item = svc.request_disbursement(
        fund_id=fund.pk,
        amount="400",
        purpose="重阳节敬老活动",
        beneficiary="张大爷",
        by=cast.community_a1,
    )
    pending = svc.request_disbursement(
        fund_id=fund.pk, amount="10", purpose="待批事项", beneficiary="赵女士", by=cast.community_a1
    )
    svc.approve_disbursement(disbursement_id=item.pk, by=cast.community_a1)
    svc.pay_disbursement(disbursement_id=item.pk, by=cast.community_a1)

    page = client.get(f"/foundation/{fund.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "王记面馆" in html and "匿名" in html and "重阳节敬老活动" in html
    for private in ("李桂兰", "隐名科技公司", "张大爷", "赵女士", "待批事项"):
        assert private not in html
    assert "¥1,250.00" in html and "¥400.00" in html and "¥850.00" in html
    assert pending.state == "submitted"

    body = api_as(None).get(f"{URL}public/{fund.pk}/").json()
    text = str(body)
    assert body["income"] == "1250.00" and body["used"] == "400.00"
    assert all(p not in text for p in ("李桂兰", "隐名科技公司", "张大爷"))
    assert client.get("/foundation/").status_code == 200
    assert client.get("/foundation/abc/").status_code == 404
    assert api_as(None).get(f"{URL}public/99999/").status_code == 404
