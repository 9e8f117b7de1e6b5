"""Query counts of every funds / foundation / ledger list stay the same as rows grow."""

import itertools

import pytest

from procurement.services import foundation, funds
from tests.conftest import COMMUNITY_A1, api_as
from tests.queries import assert_pinned

pytestmark = pytest.mark.django_db
_n = itertools.count(1)


@pytest.fixture
def money(cast):
    special = funds.special_fund()
    funds.fund_source(source_id=special.pk, amount="100000", by=cast.district)
    fund = foundation.open_foundation_fund(
        community=cast.area(COMMUNITY_A1), managers=[cast.community_a1], by=cast.district
    )
    return special, fund


def grow(cast, special, fund):
    def more():
        for _ in range(3):
            i = next(_n)
            funds.allocate_budget(
                source_id=special.pk,
                area=cast.area(COMMUNITY_A1),
                year=2000 + i,
                amount="10",
                by=cast.district,
            )
            foundation.record_donation(
                fund_id=fund.pk,
                donor_kind="merchant",
                donor_name=f"商户{i}",
                amount="50",
                by=cast.community_a1,
            )
            foundation.request_disbursement(
                fund_id=fund.pk,
                amount="1",
                purpose="用途",
                beneficiary="驿站",
                by=cast.community_a1,
            )

    return more


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/funds/budgets/",
        "/api/v1/funds/budgets/report/",
        "/api/v1/funds/sources/",
        "/api/v1/foundation/funds/",
        "/api/v1/foundation/donations/",
        "/api/v1/foundation/disbursements/",
    ],
)
def test_api_lists_are_pinned(cast, money, url):
    client = api_as(cast.street_a)
    grow(cast, *money)()
    assert_pinned(lambda: client.get(url), grow(cast, *money))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/procurement/budget/",
        "/admin/procurement/fundingsource/",
        "/admin/procurement/foundationfund/",
        "/admin/procurement/donation/",
        "/admin/procurement/disbursement/",
        "/admin/huitian/ledgermovement/",
        "/admin/huitian/ledgeraccount/",
    ],
)
def test_admin_changelists_are_pinned(cast, money, client, url):
    client.force_login(cast.street_a)
    grow(cast, *money)()
    assert_pinned(lambda: client.get(url), grow(cast, *money))


def test_the_public_fund_page_is_pinned(cast, money, client):
    _special, fund = money
    grow(cast, *money)()
    assert_pinned(lambda: client.get(f"/foundation/{fund.pk}/"), grow(cast, *money))
    assert_pinned(lambda: client.get("/foundation/"), grow(cast, *money))
