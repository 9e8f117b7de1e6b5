"""The money ledger (issue 9, item 1): one `post()` door, append-only entries, no overdraft."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import translation

from huitian import ledger
from huitian.models import LedgerAccount, LedgerEntry, LedgerMovement
from huitian.workflow import WorkflowError

pytestmark = pytest.mark.django_db

K = LedgerAccount.Kind
M = LedgerMovement.Kind


def accounts(prefix="t"):
    world = ledger.open_account(code=f"{prefix}:world", name="财政", kind=K.EXTERNAL)
    fund = ledger.open_account(code=f"{prefix}:fund", name="专项资金", kind=K.SOURCE)
    budget = ledger.open_account(code=f"{prefix}:budget", name="街道预算", kind=K.BUDGET)
    return world, fund, budget


def fill(world, account, amount):
    return ledger.post(kind=M.ALLOCATE, legs=[ledger.Leg(account, world, amount)])


def test_post_moves_money_and_the_cached_balance_equals_the_sum_of_entries():
    world, fund, budget = accounts()
    fill(world, fund, "1000.00")
    movement = ledger.post(
        kind=M.ALLOCATE,
        legs=[ledger.Leg(budget, fund, "300.50"), ledger.Leg(budget, fund, Decimal("99.5"))],
        note="分配",
    )
    assert movement.entries.count() == 2
    for account in (world, fund, budget):
        account.refresh_from_db()
        assert account.balance == ledger.balance_of(account)
    assert (fund.balance, budget.balance, world.balance) == (
        Decimal("600.00"),
        Decimal("400.00"),
        Decimal("-1000.00"),
    )
    assert account.currency == "CNY"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("-5", "¥-5.00 is negative"),
        ("0", "more than ¥0"),
        ("1.005", "¥1.005 has more than two decimal places"),
        ("abc", "“abc” is not an amount"),
        ("NaN", "“NaN” is not an amount"),
        ("1e15", "more than this ledger holds"),
    ],
)
def test_bad_amounts_are_refused_with_the_figure_on_the_field(value, says):
    world, fund, _budget = accounts()
    with translation.override("en"), pytest.raises(ValidationError) as err:
        fill(world, fund, value)
    assert says in str(err.value.message_dict["amount"])
    assert not LedgerEntry.objects.exists()


def test_amount_refusals_are_in_chinese_too():
    world, fund, _budget = accounts()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        fill(world, fund, "1.005")
    assert "两位小数" in str(err.value.message_dict["amount"])


def test_more_than_available_is_refused_with_the_figure_and_nothing_is_written():
    world, fund, budget = accounts()
    fill(world, fund, "100")
    with translation.override("en"), pytest.raises(WorkflowError) as err:
        ledger.post(
            kind=M.ALLOCATE,
            legs=[ledger.Leg(budget, fund, "60"), ledger.Leg(budget, fund, "40.01")],
        )
    assert err.value.code == "insufficient_funds"
    assert "¥100.00" in str(err.value.detail) and "¥100.01" in str(err.value.fields["amount"])
    fund.refresh_from_db()
    assert fund.balance == Decimal("100.00") and LedgerMovement.objects.count() == 1


def test_the_database_refuses_a_negative_balance_even_past_the_service():
    _world, fund, _budget = accounts()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.filter(pk=fund.pk).update(balance=Decimal("-1"))


def test_entries_and_movements_cannot_be_edited_or_deleted_by_any_door():
    world, fund, _budget = accounts()
    movement = fill(world, fund, "10")
    entry = movement.entries.get()
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        movement.delete()
    for qs, change in (
        (LedgerEntry.objects.filter(pk=entry.pk), {"amount": Decimal("1")}),
        (LedgerMovement.objects.filter(pk=movement.pk), {"note": "改"}),
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            qs.update(**change)
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            qs._raw_delete(qs.db)  # past the ORM's collector: the trigger answers
    entry.refresh_from_db()
    assert entry.amount == Decimal("10.00")


def test_a_correction_is_a_reversal_pointing_at_what_it_reverses():
    world, fund, budget = accounts()
    fill(world, fund, "500")
    wrong = ledger.post(kind=M.ALLOCATE, legs=[ledger.Leg(budget, fund, "200")])
    with pytest.raises(WorkflowError) as err:
        ledger.reverse(movement_id=wrong.pk, by=None, reason="  ")
    assert err.value.code == "reason_required"
    fix = ledger.reverse(movement_id=wrong.pk, by=None, reason="街道填错")
    assert fix.reverses == wrong and fix.kind == M.REVERSE and fix.note == "街道填错"
    budget.refresh_from_db()
    fund.refresh_from_db()
    assert budget.balance == 0 and fund.balance == Decimal("500.00")
    with pytest.raises(WorkflowError) as err:
        ledger.reverse(movement_id=wrong.pk, by=None, reason="again")
    assert err.value.code == "already_reversed"
    with pytest.raises(WorkflowError) as err:
        ledger.reverse(movement_id=fix.pk, by=None, reason="undo")
    assert err.value.code == "cannot_reverse_reversal"


def test_a_reversal_that_would_overdraw_is_refused():
    world, fund, budget = accounts()
    fill(world, fund, "100")
    allocation = ledger.post(kind=M.ALLOCATE, legs=[ledger.Leg(budget, fund, "100")])
    commitments = ledger.open_account(code="t:commit", name="合同", kind=K.COMMITMENT)
    ledger.post(kind=M.COMMIT, legs=[ledger.Leg(commitments, budget, "70")])
    with pytest.raises(WorkflowError) as err:
        ledger.reverse(movement_id=allocation.pk, by=None, reason="错了")
    assert err.value.code == "insufficient_funds"


def test_the_movement_records_its_cause_and_author(cast):
    world, fund, _budget = accounts()
    movement = ledger.post(
        kind=M.DONATE, legs=[ledger.Leg(fund, world, "1")], by=cast.district, cause=cast.street_a
    )
    movement.refresh_from_db()
    assert movement.cause == cast.street_a and movement.by == cast.district


def _race(n, amount, account_pair):
    budget, commitments = account_pair
    results = []
    barrier = threading.Barrier(n)

    def commit():
        try:
            barrier.wait()
            ledger.post(kind=M.COMMIT, legs=[ledger.Leg(commitments, budget, amount)])
            results.append("ok")
        except WorkflowError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_commitments_racing_for_the_last_yuan_one_wins():
    world, _fund, budget = accounts("race")
    fill(world, budget, "1.00")
    commitments = ledger.open_account(code="race:commit", name="合同", kind=K.COMMITMENT)
    results = _race(2, "1.00", (budget, commitments))
    assert sorted(results) == ["insufficient_funds", "ok"]
    budget.refresh_from_db()
    assert budget.balance == 0 == ledger.balance_of(budget)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_small_commitments_never_overdraw():
    world, _fund, budget = accounts("race20")
    fill(world, budget, "150.00")
    commitments = ledger.open_account(code="race20:commit", name="合同", kind=K.COMMITMENT)
    results = _race(20, "10.00", (budget, commitments))
    assert results.count("ok") == 15 and results.count("insufficient_funds") == 5
    budget.refresh_from_db()
    commitments.refresh_from_db()
    assert budget.balance == 0 == ledger.balance_of(budget)
    assert commitments.balance == Decimal("150.00") == ledger.balance_of(commitments)


def test_the_admin_shows_the_ledger_read_only_and_scoped(cast, client):
    from tests.conftest import COMMUNITY_A1

    world = ledger.open_account(code="adm:world", name="某捐赠方", kind=K.EXTERNAL)
    fund = ledger.open_account(
        code="adm:fund", name="社区基金A1", kind=K.FUND, area=cast.area(COMMUNITY_A1)
    )
    movement = ledger.post(kind=M.DONATE, legs=[ledger.Leg(fund, world, "10")])
    assert movement.area == fund.area
    base = "/admin/huitian/ledgermovement/"
    for user, status in ((cast.district, 200), (cast.street_a, 200), (cast.street_b, 302)):
        client.force_login(user)
        page = client.get(f"{base}{movement.pk}/change/")
        assert page.status_code == status, user
        assert client.get(f"{base}add/").status_code == 403
        assert client.post(f"{base}{movement.pk}/delete/", {"post": "yes"}).status_code in (
            302,
            403,
        )
    client.force_login(cast.district)
    listing = client.get("/admin/huitian/ledgeraccount/").content.decode()
    assert "社区基金A1" in listing and "某捐赠方" not in listing  # no area: superusers only
    assert LedgerMovement.objects.filter(pk=movement.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_crossing_transfers_lock_in_one_order_and_never_deadlock():
    """A→B and B→A at once: both lock the lower id first, so neither waits on the other
    forever; the two balances still equal the sums of their entries."""
    world = ledger.open_account(code="x:world", name="外部", kind=K.EXTERNAL)
    a = ledger.open_account(code="x:a", name="甲", kind=K.BUDGET)
    b = ledger.open_account(code="x:b", name="乙", kind=K.BUDGET)
    fill(world, a, "100")
    fill(world, b, "100")
    n = 16
    barrier = threading.Barrier(n)
    errors = []

    def transfer(i):
        src, dst = (a, b) if i % 2 else (b, a)
        try:
            barrier.wait()
            ledger.post(
                kind=M.TRANSFER, legs=[ledger.Leg(dst, src, "5"), ledger.Leg(world, src, "1")]
            )
        except Exception as exc:  # a deadlock would surface here
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for account in (a, b):
        account.refresh_from_db()
        assert account.balance == Decimal("92.00") == ledger.balance_of(account)
