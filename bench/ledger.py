# ruff: noqa: E501  (SQL and report lines read better unwrapped)
"""Ledger figures (issue 9): with `n` entries in the ledger,
- one account's balance (the locked, cached row) and its proof (the sum of entries)
  against the raw SQL `SUM` floor;
- the special fund's report by street against its raw `GROUP BY`;
- 100 concurrent commitments against one account: time per commitment, zero overdraft.
"""

import threading
import time
from decimal import Decimal

from django.db import connection

from bench.dataset import report

CODE = "bench:ledger"


def _best(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def district_user():
    """The bench's district administrator, without touching the needs dataset."""
    from huitian import services
    from huitian.models import Area, Role, User

    services.load_areas()
    user, _ = User.objects.get_or_create(username="bench_district")
    services.assign_role(user=user, role=Role.DISTRICT_ADMIN, area=Area.objects.get(code="110114"))
    return user


def _prepare(n: int, district):
    from huitian import ledger
    from huitian.models import Area, LedgerAccount, LedgerEntry
    from procurement.services import funds

    world = ledger.open_account(code=f"{CODE}:world", name="bench world", kind="external")
    special = funds.special_fund()
    if funds.received_by(special) == 0:
        funds.fund_source(source_id=special.pk, amount="40000000", by=district)
    streets = list(Area.objects.filter(level="street").order_by("code"))
    if not special.budgets.exists():
        funds.allocate_special_fund(year=2026, shares={s: "1000000" for s in streets}, by=district)
    accounts = [
        ledger.open_account(code=f"{CODE}:{i}", name=f"bench {i}", kind="budget")
        for i in range(100)
    ]
    have = LedgerEntry.objects.filter(debit__code__startswith=f"{CODE}:").count()
    if have < n:
        ids = [a.pk for a in accounts]
        with connection.cursor() as cur:
            cur.execute(
                "INSERT INTO huitian_ledgermovement (kind, at, note) SELECT 'allocate', now(), 'bench' FROM generate_series(1, 1000) RETURNING id"
            )
            movements = [r[0] for r in cur.fetchall()]
            cur.execute(
                """INSERT INTO huitian_ledgerentry (movement_id, debit_id, credit_id, amount)
                   SELECT (%s::bigint[])[1 + g %% 1000], (%s::bigint[])[1 + g %% 100], %s, (1 + g %% 7)::numeric
                   FROM generate_series(1, %s) g""",
                [movements, ids, world.pk, n - have],
            )
            cur.execute(
                """UPDATE huitian_ledgeraccount a SET balance = s.total FROM (
                     SELECT debit_id, SUM(amount) total FROM huitian_ledgerentry
                     WHERE debit_id = ANY(%s) GROUP BY debit_id) s WHERE a.id = s.debit_id""",
                [ids],
            )
            cur.execute(
                "UPDATE huitian_ledgeraccount SET balance = -(SELECT SUM(amount) FROM huitian_ledgerentry WHERE credit_id = %s) WHERE id = %s",
                [world.pk, world.pk],
            )
            cur.execute("ANALYZE huitian_ledgerentry")
    return special, accounts, LedgerAccount.objects.get(pk=accounts[0].pk)


def bench_ledger(n: int, district) -> None:
    from huitian import ledger
    from huitian.models import LedgerEntry
    from procurement.selectors import funds as sel
    from procurement.services import funds

    special, _accounts, one = _prepare(n, district)
    total = LedgerEntry.objects.count()
    print(f"ledger: {total:,} entries")

    def floor_sum():
        with connection.cursor() as cur:
            cur.execute("SELECT SUM(amount) FROM huitian_ledgerentry WHERE debit_id = %s", [one.pk])
            return cur.fetchone()[0]

    expected = floor_sum()
    assert ledger.available(one) == expected == ledger.balance_of(one)
    floor = _best(floor_sum)
    report(
        "ledger: one account's balance (cached row)",
        _best(lambda: ledger.available(one)),
        floor,
        "raw SUM",
    )
    report(
        "ledger: one account's balance (sum of entries)",
        _best(lambda: ledger.balance_of(one)),
        floor,
        "raw SUM",
    )

    def floor_by_street():
        with connection.cursor() as cur:
            cur.execute(
                """SELECT b.area_id, SUM(e.amount) FROM procurement_budget b
                   JOIN huitian_ledgerentry e ON e.debit_id = b.account_id
                   WHERE b.source_id = %s GROUP BY b.area_id""",
                [special.pk],
            )
            return cur.fetchall()

    rows = sel.fund_report(district, source_id=special.pk)
    report(
        "funds: special-fund report by street",
        _best(lambda: sel.report_totals(sel.fund_report(district, source_id=special.pk), "street")),
        _best(floor_by_street),
        "raw GROUP BY",
        f"   ({len(rows)} budgets)",
    )

    # 100 concurrent commitments of 1 yuan against a budget holding 60: 60 win, 40 refused.
    budget = funds.allocate_budget(
        source_id=special.pk, area=special.budgets.first().area, year=2099, amount="60", by=district
    )
    before = ledger.available(budget.account)
    results = []
    barrier = threading.Barrier(100)

    def commit():
        try:
            barrier.wait()
            funds.commit_budget(budget_id=budget.pk, amount="1", purpose="services", by=district)
            results.append("ok")
        except Exception as exc:
            results.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=commit) for _ in range(100)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    budget.account.refresh_from_db()
    overdraft = min(Decimal(0), budget.account.balance)
    print(
        f"ledger: 100 concurrent commitments       {elapsed / 100 * 1000:10.1f} ms each   "
        f"{results.count('ok')} committed, {results.count('insufficient_funds')} refused, "
        f"balance {before} → {budget.account.balance}, overdraft {overdraft}"
    )
    assert budget.account.balance >= 0 and results.count("ok") <= 60
