# ruff: noqa: E501  (SQL and report lines read better unwrapped)
"""In-process endpoint timings against raw INSERT/SELECT floors."""

import time

from django.db import connection
from rest_framework.test import APIClient

from bench.dataset import report

BODY = {
    "community": "110114011001",
    "category": "elderly_meals",
    "title": "压测老年餐桌午饭不够",
    "text": "三号楼老年餐桌中午饭菜经常不够，高龄老人吃不上热饭",
    "contact_phone": "13812345678",
}


def _raw_insert(k: int) -> float:
    from huitian.models import Area, Category

    cid = Area.objects.get(code=BODY["community"]).pk
    kid = Category.objects.get(code=BODY["category"]).pk
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for i in range(k):
            cur.execute(
                """INSERT INTO procurement_need (tracking_code, channel, community_id, category_id, title,
                   text, urgency, address, contact_name, contact_phone, anonymous, state, reject_reason,
                   unresolved_reason, created_at, updated_at, satisfaction_comment, tokens, reopen_count)
                   VALUES (%s, 'api', %s, %s, %s, %s, 1, '', '', %s, false, 'received', '', '', now(), now(),
                   '', '', 0) RETURNING id""",
                [
                    f"RAW{i:07d}{int(t0) % 100}",
                    cid,
                    kid,
                    BODY["title"],
                    BODY["text"],
                    BODY["contact_phone"],
                ],
            )
    elapsed = (time.perf_counter() - t0) / k
    with connection.cursor() as cur:
        cur.execute("DELETE FROM procurement_need WHERE tracking_code LIKE 'RAW%%'")
    return elapsed


def _raw_writes(client, k: int) -> tuple[float, list[str]]:
    """The INSERTs one submission ran (need, history, transition), replayed raw in a
    transaction each, k times: the floor of the request's writes."""
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/v1/needs/", BODY, format="json")
    code = r.data["tracking_code"]
    inserts = []
    for q in ctx.captured_queries:
        sql = q["sql"]
        if sql.startswith("WITH first AS ("):
            # The history row and the transition, written together by the request: the
            # floor writes them as two plain INSERTs (every row the request writes, raw).
            head = sql[len("WITH first AS (") : sql.index(") INSERT INTO ")]
            inserts += [head, sql[sql.index(") INSERT INTO ") + 2 : sql.rindex(", (SELECT")]]
        elif sql.startswith("INSERT"):
            inserts.append(sql)
    t0 = time.perf_counter()
    for i in range(k):
        with transaction.atomic(), connection.cursor() as cur:
            for sql in inserts:
                cur.execute(sql.replace(code, f"RAW{i:07d}"))
    elapsed = (time.perf_counter() - t0) / k
    with connection.cursor() as cur:
        cur.execute("DELETE FROM procurement_need WHERE tracking_code LIKE 'RAW%%'")
    return elapsed, [sql.split()[2].strip('"') for sql in inserts]


def _raw_replay(sqls: list[tuple[str, tuple]], k: int) -> float:
    """The exact SQL the endpoint ran (count + page), replayed raw: the floor."""
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for _ in range(k):
            for sql, params in sqls:
                cur.execute(sql, params)
                cur.fetchall()
    return (time.perf_counter() - t0) / k


def _captured(client, path: str) -> list[tuple[str, tuple]]:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    out = []
    for q in ctx.captured_queries:
        sql = q["sql"]
        if sql.startswith("SELECT") and "procurement_need" in sql:
            out.append((sql.replace("%", "%%"), ()))
    return out


def bench_endpoints(ctx: dict, k: int = 200) -> None:
    from huitian.access import forget_grants

    resident = ctx["users"]["bench_resident"]
    client = APIClient()
    client.force_authenticate(resident)
    client.post("/api/v1/needs/", BODY, format="json")  # warm up
    t0 = time.perf_counter()
    for _ in range(k):
        r = client.post("/api/v1/needs/", BODY, format="json")
        assert r.status_code == 201, r.content
    post = (time.perf_counter() - t0) / k
    raw_need = _raw_insert(k)
    raw_all, tables = _raw_writes(client, k)
    report("POST /api/v1/needs/ (in process, per request)", post, raw_all, "raw INSERTs")
    print(
        f"  (the request writes {len(tables)} rows: {', '.join(tables)}; the need's INSERT alone {raw_need * 1000:.2f} ms)"
    )

    for name in ("bench_community", "bench_district"):
        user = ctx["users"][name]
        forget_grants(user)
        client = APIClient()
        client.force_authenticate(user)
        client.get("/api/v1/needs/")
        kk = 50 if name == "bench_district" else k
        t0 = time.perf_counter()
        for _ in range(kk):
            r = client.get("/api/v1/needs/")
        get = (time.perf_counter() - t0) / kk
        report(
            f"GET /api/v1/needs/ as {name.split('_')[1]} ({r.data['count']:,} rows)",
            get,
            _raw_replay(_captured(client, "/api/v1/needs/"), kk),
            "same SQL raw",
        )
