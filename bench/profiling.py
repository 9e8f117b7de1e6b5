# ruff: noqa: E501  (SQL and report lines read better unwrapped)
"""Where the time goes (`make bench BENCH_ARGS="--profile"`): every query and Redis
round trip of one request, cProfile's top functions, and EXPLAIN (ANALYZE, BUFFERS)
of the list SQL. What bench/README.md "Profile" says was read from this output."""

import cProfile
import io
import pstats
import re
import time
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bench.endpoints import BODY


@contextmanager
def redis_round_trips(out: list):
    """Count the commands sent to Redis (cache, throttle, broker) while the block runs."""
    from redis.connection import Connection

    original = Connection.send_packed_command

    def spy(self, command, check_health=True):
        out.append(command)
        return original(self, command, check_health)

    Connection.send_packed_command = spy
    try:
        yield out
    finally:
        Connection.send_packed_command = original


def _short(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql)
    sql = re.sub(r'SELECT .*? FROM "', 'SELECT … FROM "', sql, count=1)
    return sql[:150]


def _profile(call, top: int = 18) -> str:
    prof = cProfile.Profile()
    prof.enable()
    call()
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats("cumulative")
    stats.print_stats(top)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    return "\n".join("    " + ln for ln in lines[-top - 1 :])


def _show_request(title: str, call) -> None:
    call()  # warm
    redis: list = []
    with CaptureQueriesContext(connection) as ctx, redis_round_trips(redis):
        t0 = time.perf_counter()
        call()
        dt = time.perf_counter() - t0
    print(
        f"\n== {title}: {dt * 1000:.1f} ms, {len(ctx.captured_queries)} queries, {len(redis)} Redis round trips"
    )
    for q in ctx.captured_queries:
        print(f"  {float(q['time']) * 1000:6.2f} ms  {_short(q['sql'])}")
    for cmd in redis:
        raw = b"".join(
            c if isinstance(c, bytes) else bytes(c)
            for c in (cmd if isinstance(cmd, list) else [cmd])
        )
        print(f"  redis  {raw[:90]!r}")
    print("  cProfile (20 calls, cumulative):")
    print(_profile(lambda: [call() for _ in range(20)]))


def _explain(sql: str, params=()) -> None:
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cur.fetchall():
            print("    " + line)


def profile(ctx: dict) -> None:
    import datetime

    from django.utils import timezone

    from procurement.services import lists
    from procurement.services.lists import _bounds

    resident = ctx["users"]["bench_resident"]
    client = APIClient()
    client.force_authenticate(resident)
    _show_request(
        "POST /api/v1/needs/ (resident)", lambda: client.post("/api/v1/needs/", BODY, format="json")
    )
    key = iter(range(10**6))
    _show_request(
        "POST /api/v1/needs/ with Idempotency-Key",
        lambda: client.post(
            "/api/v1/needs/",
            BODY,
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"bench-{time.time()}-{next(key)}",
        ),
    )
    for name in ("bench_community", "bench_district"):
        c = APIClient()
        c.force_authenticate(ctx["users"][name])
        _show_request(f"GET /api/v1/needs/ as {name}", lambda c=c: c.get("/api/v1/needs/"))
        with CaptureQueriesContext(connection) as cq:
            c.get("/api/v1/needs/?page=50")
        for q in cq.captured_queries:
            if "procurement_need" in q["sql"]:
                print(f"\n  EXPLAIN (ANALYZE, BUFFERS) {_short(q['sql'])[:100]}")
                _explain(q["sql"].replace("%", "%%"))

    from bench.dataset import FLOOR_SQL

    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=365), today
    lo, hi = _bounds(start, end)
    print("\n== compile floor: EXPLAIN (ANALYZE, BUFFERS) of the SQL GROUP BY")
    _explain(FLOOR_SQL, [lo, hi])
    print("\n== full compile, cProfile")
    print(
        _profile(
            lambda: lists.compile_needs_list(
                period_start=start, period_end=end, full=True, group_first=False
            ),
            top=25,
        )
    )
    print("\n== jieba: one day's grouping, cProfile (500 pending needs)")
    from procurement.models import Need

    Need.objects.filter(external_ref__startswith="BENCH-PROF-").delete()
    first = Need.objects.filter(channel="hotline_12345").order_by("-pk").first()
    rows = [
        Need(
            channel="hotline_12345",
            community_id=first.community_id,
            category_id=first.category_id,
            title="楼道灯不亮",
            text=f"{i % 20}号楼楼道灯不亮，请尽快处理",
            contact_phone=f"139{i:08d}",
            external_ref=f"BENCH-PROF-{i}",
            response_due=today,
            resolution_due=today,
        )
        for i in range(500)
    ]
    Need.objects.bulk_create(rows)
    print(_profile(lambda: lists.group_pending_needs(1000), top=25))
    Need.objects.filter(external_ref__startswith="BENCH-PROF-").delete()
