# ruff: noqa: E501  (SQL and report lines read better unwrapped)
"""Needs panels against the raw SQL aggregates that give the same numbers (issue 12).

For each needs panel, at district scope and at community scope: the panel's selector
(ORM, scoping door, roll-up in Python; the cache is bypassed) against
- "replay": the exact aggregate SQL the panel ran, executed raw through a cursor;
- for needs-by-area also a hand-written aggregate (GROUP BY street / community).
Plus the query count of the district dashboard page (fixed whatever the areas).
"""

import datetime
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.dataset import report

NEEDS_PANELS = [
    "needs-by-area",
    "needs-by-channel",
    "needs-by-category",
    "needs-by-week",
    "hot-spots",
    "growing-topics",
    "rates-by-area",
    "rates-by-category",
    "rates-trend",
    "needs-due",
]


def _best(func, repeat: int = 3) -> float:
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best


def _captured(func) -> list[tuple[str, list]]:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return [
        (q["sql"].replace("%", "%%"), [])
        for q in ctx.captured_queries
        if "procurement_need" in q["sql"]
    ]


def _replay(sqls) -> None:
    with connection.cursor() as cur:
        for sql, params in sqls:
            cur.execute(sql, params)
            cur.fetchall()


def _hand_written_by_area(area, period) -> None:
    """needs-by-area as a DBA would write it: one GROUP BY per year, by child area."""
    child = "c.parent_id" if area.level == "district" else "n.community_id"
    with connection.cursor() as cur:
        for lo, hi in (
            (period.lo, period.hi),
            (period.a_year_earlier().lo, period.a_year_earlier().hi),
        ):
            cur.execute(
                f"""SELECT {child}, count(*),
                           count(*) FILTER (WHERE n.state IN ('resolved', 'closed')),
                           count(*) FILTER (WHERE n.state = 'closed_unresolved')
                    FROM procurement_need n JOIN huitian_area c ON c.id = n.community_id
                    WHERE c.path LIKE %s AND n.created_at >= %s AND n.created_at < %s
                    GROUP BY 1""",
                [area.path + "%", lo, hi],
            )
            cur.fetchall()


def bench_dashboards(ctx: dict) -> None:
    from django.core.cache import cache
    from django.test import Client

    from huitian import dashboards as dash
    from huitian.access import forget_grants

    today = timezone.localdate()
    period = dash.Period("custom", today - datetime.timedelta(days=364), today)
    panels = dash.declared_panels()
    print(f"\n-- dashboards: {ctx['n']} needs, period {period.label} --")
    for scope in ("bench_district", "bench_community"):
        user = ctx["users"][scope]
        forget_grants(user)
        area = dash.resolve_area(user, None)
        q = dash.Query(user=user, area=area, period=period)
        for key in NEEDS_PANELS:
            panel = panels[key]
            panel.rows(q)  # warm the area tree and category names
            seconds = _best(lambda: panel.rows(q))  # noqa: B023
            sqls = _captured(lambda: panel.rows(q))  # noqa: B023
            floor = _best(lambda: _replay(sqls))  # noqa: B023
            report(f"panel {key} @{area.level}", seconds, floor, f"same SQL raw x{len(sqls)}")
        by_area = panels["needs-by-area"]
        seconds = _best(lambda: by_area.rows(q))  # noqa: B023
        floor = _best(lambda: _hand_written_by_area(area, period))  # noqa: B023
        report(f"panel needs-by-area @{area.level}", seconds, floor, "hand-written GROUP BY")

    client = Client()
    client.force_login(ctx["users"]["bench_district"])
    cache.clear()
    path = f"/dashboards/?app=procurement&period={period.key}"
    with CaptureQueriesContext(connection) as cq:
        t0 = time.perf_counter()
        status = client.get(path).status_code
        elapsed = time.perf_counter() - t0
    print(
        f"district dashboard page (procurement, cold cache): {status}, {len(cq.captured_queries)} queries, {elapsed * 1000:.0f} ms"
    )
    t0 = time.perf_counter()
    client.get(path)
    print(f"  same page, warm cache: {(time.perf_counter() - t0) * 1000:.0f} ms")
