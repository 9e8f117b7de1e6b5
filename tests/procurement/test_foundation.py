"""The community foundation (issue 9, item 3): funds, gapless receipts, disbursements."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from huitian import ledger
from huitian.access import Forbidden
from huitian.workflow import WorkflowError, transitions_of
from procurement.models import Disbursement, Donation, FoundationFund
from procurement.services import foundation as svc
from tests.conftest import COMMUNITY_A1, COMMUNITY_B1, STREET_A, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(cast):
    from huitian.models import Role

    return make_user("fund_manager", Role.COMMUNITY_STAFF, cast.area(COMMUNITY_A1))


@pytest.fixture
def fund(cast, manager):
    return svc.open_foundation_fund(
        community=cast.area(COMMUNITY_A1),
        rules="只用于社区养老服务",
        managers=[manager],
        by=cast.street_a,
    )


def give(fund, by, amount="100", **kw):
    kw.setdefault("donor_kind", "company")
    kw.setdefault("donor_name", "回龙观超市有限公司")
    return svc.record_donation(fund_id=fund.pk, amount=amount, by=by, **kw)


def test_one_fund_per_community_opened_by_its_street_or_the_district(cast, fund, manager):
    assert fund.account.kind == "fund" and fund.account.area.code == COMMUNITY_A1
    again = svc.open_foundation_fund(community=cast.area(COMMUNITY_A1), by=cast.district)
    assert again.pk == fund.pk and FoundationFund.objects.count() == 1
    with pytest.raises(Forbidden):
        svc.open_foundation_fund(community=cast.area(COMMUNITY_B1), by=cast.street_a)
    with pytest.raises(WorkflowError) as err:
        svc.open_foundation_fund(community=cast.area(STREET_A), by=cast.district)
    assert err.value.code == "not_a_community"


def test_a_donation_moves_money_in_and_gets_the_next_receipt(cast, fund, manager):
    year = timezone.localdate().year
    first = give(fund, manager, "1000.50")
    second = give(fund, cast.community_a1, "20", donor_kind="resident", donor_name="王秀英")
    assert first.receipt_number == f"HTJJH{year}-000001"
    assert second.receipt_number == f"HTJJH{year}-000002"
    fund.account.refresh_from_db()
    assert fund.account.balance == Decimal("1020.50") == ledger.balance_of(fund.account)
    assert first.movement.kind == "donate" and first.movement.cause == fund


def test_a_refused_donation_takes_no_receipt_number(cast, fund, manager):
    with translation.override("en"):
        for bad, field in (
            ({"amount": "0"}, "amount"),
            ({"amount": "1.001"}, "amount"),
            ({"donor_name": " "}, "donor_name"),
            ({"donor_kind": "bank"}, "donor_kind"),
            ({"donor_name": "名" * 101}, "donor_name"),
            ({"donated_on": timezone.localdate().replace(year=2099)}, "donated_on"),
        ):
            with pytest.raises(ValidationError) as err:
                give(fund, manager, **({"amount": "5"} | bad))
            assert field in err.value.message_dict, bad
    with pytest.raises(Forbidden):
        give(fund, cast.community_b1)
    with pytest.raises(Forbidden):
        give(fund, cast.auditor)
    assert give(fund, manager).receipt_number.endswith("-000001")


def test_the_disbursement_workflow_under_the_funds_managers(cast, fund, manager):
    give(fund, manager, "500")
    item = svc.request_disbursement(
        fund_id=fund.pk,
        amount="300",
        purpose="老年餐桌食材",
        beneficiary="某养老驿站",
        by=cast.community_a1,
    )
    assert item.state == "submitted"
    with pytest.raises(Forbidden):  # the community's clerk asks; only managers approve
        svc.approve_disbursement(disbursement_id=item.pk, by=cast.community_a1)
    with pytest.raises(WorkflowError) as err:  # paying before approval
        svc.pay_disbursement(disbursement_id=item.pk, by=manager)
    assert err.value.code == "illegal_transition"
    svc.approve_disbursement(disbursement_id=item.pk, by=manager)
    svc.pay_disbursement(disbursement_id=item.pk, by=manager)
    item.refresh_from_db()
    assert item.state == "paid" and item.movement.kind == "disburse"
    fund.account.refresh_from_db()
    assert fund.account.balance == Decimal("200.00")
    assert [t.step for t in transitions_of(item)] == ["create", "approve", "pay"]


def test_a_disbursement_beyond_the_balance_is_refused_at_every_step(cast, fund, manager):
    give(fund, manager, "100")
    with translation.override("en"), pytest.raises(WorkflowError) as err:
        svc.request_disbursement(
            fund_id=fund.pk, amount="100.01", purpose="x", beneficiary="y", by=manager
        )
    assert err.value.code == "insufficient_funds" and "¥100.00" in str(err.value.detail)
    one = svc.request_disbursement(
        fund_id=fund.pk, amount="80", purpose="a", beneficiary="b", by=manager
    )
    two = svc.request_disbursement(
        fund_id=fund.pk, amount="80", purpose="c", beneficiary="d", by=manager
    )
    svc.approve_disbursement(disbursement_id=one.pk, by=manager)
    svc.approve_disbursement(disbursement_id=two.pk, by=manager)
    svc.pay_disbursement(disbursement_id=one.pk, by=manager)
    with pytest.raises(WorkflowError) as err:  # the ledger refuses the overdraft
        svc.pay_disbursement(disbursement_id=two.pk, by=manager)
    assert err.value.code == "insufficient_funds"
    two.refresh_from_db()
    assert two.state == "approved" and two.movement is None
    with pytest.raises(WorkflowError):
        svc.reject_disbursement(disbursement_id=two.pk, by=manager, note="")
    svc.reject_disbursement(disbursement_id=two.pk, by=manager, note="余额不足")
    assert Disbursement.objects.get(pk=two.pk).state == "rejected"


@pytest.mark.django_db(transaction=True)
def test_receipt_numbers_under_concurrency_have_no_gap_and_no_repeat():
    from huitian import services as kernel
    from huitian.models import Area, Role

    kernel.load_areas()
    community = Area.objects.get(code=COMMUNITY_A1)
    manager = make_user("race_manager", Role.COMMUNITY_STAFF, community)
    district = make_user("race_district", Role.DISTRICT_ADMIN, Area.objects.get(code="110114"))
    fund = svc.open_foundation_fund(community=community, managers=[manager], by=district)
    n = 12
    barrier = threading.Barrier(n)
    errors = []

    def donate(i):
        try:
            barrier.wait()
            give(fund, manager, amount=str(i + 1), donor_name=f"商户{i}", donor_kind="merchant")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=donate, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(
        int(r.split("-")[1]) for r in Donation.objects.values_list("receipt_number", flat=True)
    )
    assert numbers == list(range(1, n + 1))
    fund.account.refresh_from_db()
    assert fund.account.balance == Decimal(sum(range(1, n + 1))) == ledger.balance_of(fund.account)
