# ruff: noqa: E501  (SQL and report lines read better unwrapped)
"""The 1,000,000-need dataset (generated in SQL) and the compile benchmarks."""

import datetime
import time

from django.db import connection
from django.utils import timezone


def timed(func, *args, repeat: int = 1, **kwargs):
    best = None
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func(*args, **kwargs)
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def report(name: str, seconds: float, floor: float, floor_name: str, extra: str = "") -> None:
    ratio = seconds / floor if floor else float("inf")
    print(
        f"{name:<44} {seconds * 1000:10.1f} ms   floor ({floor_name}) {floor * 1000:9.1f} ms   ratio {ratio:6.2f}{extra}"
    )


def prepare(n: int, *, regenerate: bool = False) -> dict:
    from django.db.models import F

    from huitian import services
    from huitian.models import Area, Category, Role, User
    from huitian.taxonomy import seed_categories
    from procurement.models import Need, NeedsList, NeedsListEntry, Topic

    services.load_areas()
    services.seed_calendar_from_package()
    seed_categories(Category)
    district = Area.objects.get(code="110114")
    community = Area.objects.get(code="110114011001")
    users = {}
    for name, role, area in [
        ("bench_district", Role.DISTRICT_ADMIN, district),
        ("bench_community", Role.COMMUNITY_STAFF, community),
        ("bench_resident", Role.RESIDENT, community),
    ]:
        user, _ = User.objects.get_or_create(username=name)
        if not user.check_password("bench-password-123456"):
            user.set_password("bench-password-123456")
            user.save()
        services.assign_role(user=user, role=role, area=area)
        users[name] = user
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username__startswith="bench_").delete()
    have = Need.objects.count()
    if regenerate or abs(have - n) > n * 0.01 + 3000:
        print(f"generating {n} needs in SQL (had {have}) …", flush=True)
        t0 = time.perf_counter()
        NeedsListEntry.objects.all().delete()
        NeedsList.objects.all().delete()
        with connection.cursor() as cur:
            cur.execute("TRUNCATE procurement_need, procurement_topic RESTART IDENTITY CASCADE")
        _generate(n, users["bench_resident"].pk)
        print(f"  generated in {time.perf_counter() - t0:.1f} s", flush=True)
    else:
        print(f"reusing {have} needs")
        # Topics come out of grouping with their title screened (`screened_title`); a
        # dataset generated before that column existed gets it as grouping would have.
        Topic.objects.filter(screened_title="").update(screened_title=F("title"))
        # Undo the previous run's extra day so each run measures the same thing.
        Need.objects.filter(external_ref__startswith="BENCH-DAY-").delete()
        Need.objects.filter(channel="api", title__startswith="压测").delete()
    with connection.cursor() as cur:
        cur.execute("ANALYZE procurement_need")
        cur.execute("ANALYZE procurement_topic")
    return {"users": users, "n": Need.objects.count(), "community": community}


def _generate(n: int, resident_id: int) -> None:
    from huitian.models import Area, Category

    communities = list(Area.objects.filter(level="community").values_list("pk", flat=True))
    categories = list(Category.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    topics = max(1, n // 12)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO procurement_topic (area_id, category_id, title, tokens, state, need_count,
                   max_urgency, last_need_at, created_at, changed_at, needs_review, review_reason,
                   screened_title)
            SELECT (%(c)s::bigint[])[1 + (i %% array_length(%(c)s::bigint[], 1))],
                   (%(k)s::bigint[])[1 + ((i / 7) %% array_length(%(k)s::bigint[], 1))],
                   '话题' || i, '电梯 故障 话题' || i, 'open', 0, 1, now(), now(), now(), false, '',
                   '话题' || i
            FROM generate_series(1, %(t)s) AS i
            """,
            {"c": communities, "k": categories, "t": topics},
        )
        cur.execute("SELECT min(id), max(id) FROM procurement_topic")
        lo, hi = cur.fetchone()
        cur.execute(
            """
            INSERT INTO procurement_need (tracking_code, channel, community_id, category_id, title, text,
                urgency, address, contact_name, contact_phone, anonymous, submitter_id, state,
                reject_reason, unresolved_reason, created_at, updated_at, response_due, resolution_due,
                responded_at, resolved_at, closed_at, satisfaction, satisfaction_comment, tokens,
                grouped_at, topic_id, reopen_count)
            SELECT 'B' || lpad(to_hex(g.i), 9, '0'),
                   (ARRAY['hotline_12345','changping_app','huitian_platform','web_form','api'])[1 + g.i %% 5],
                   t.area_id, t.category_id, t.title, t.title || '：楼道电梯经常故障，居民出行不便',
                   1 + (g.i %% 17 = 0)::int + (g.i %% 101 = 0)::int, '', '',
                   '138' || lpad((g.i %% 100000000)::text, 8, '0'), false,
                   CASE WHEN g.i %% 50 = 0 THEN %(r)s ELSE NULL END,
                   (ARRAY['closed','closed','closed','resolved','in_service','accepted','received','rejected'])[1 + g.i %% 8],
                   '', '', g.at, g.at, (g.at + interval '1 day')::date, (g.at + interval '20 day')::date,
                   g.at + interval '5 hour', CASE WHEN g.i %% 8 < 4 THEN g.at + interval '6 day' END,
                   CASE WHEN g.i %% 8 < 3 THEN g.at + interval '7 day' END,
                   CASE WHEN g.i %% 8 < 3 THEN 1 + g.i %% 5 END, '', t.tokens, g.at, t.id, 0
            FROM (SELECT i, now() - (i::float / %(n)s) * interval '365 days' AS at,
                         %(lo)s + (i::bigint * 7919) %% (%(hi)s - %(lo)s + 1) AS topic
                  FROM generate_series(1, %(n)s) AS i) AS g
            JOIN procurement_topic t ON t.id = g.topic
            """,
            {"n": n, "lo": lo, "hi": hi, "r": resident_id},
        )
        cur.execute(
            """UPDATE procurement_topic t SET need_count = s.n, last_need_at = s.last, max_urgency = s.u
               FROM (SELECT topic_id, count(*) n, max(created_at) last, max(urgency) u
                     FROM procurement_need GROUP BY topic_id) s WHERE s.topic_id = t.id"""
        )


FLOOR_SQL = """
    SELECT topic_id, count(*), count(DISTINCT COALESCE(submitter_id::text, NULLIF(contact_phone, ''), tracking_code)),
           max(urgency), max(created_at)
    FROM procurement_need
    WHERE created_at >= %s AND created_at < %s AND topic_id IS NOT NULL AND state <> 'rejected'
    GROUP BY topic_id
"""


def _floor(lo, hi, settings: dict | None = None) -> int:
    with connection.cursor() as cur:
        for name, value in (settings or {}).items():
            cur.execute(f"SET {name} = '{value}'")
        cur.execute(FLOOR_SQL, [lo, hi])
        rows = len(cur.fetchall())
        for name in settings or {}:
            cur.execute(f"RESET {name}")
        return rows


def bench_compile(ctx: dict) -> None:
    import jieba

    from huitian.models import Category
    from procurement import text
    from procurement.models import Need, NeedsList
    from procurement.services import lists
    from procurement.services.lists import _bounds

    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=365), today
    lo, hi = _bounds(start, end)
    load, _ = timed(text.warm)  # what a Celery worker does when it starts
    NeedsList.objects.filter(period_start=start, period_end=end).delete()
    # The floor is the same GROUP BY under the planner settings the full compile uses
    # (lists.FULL_SCAN_SETTINGS: one sorted sequential scan); PostgreSQL's default plan
    # for it (the topic_id index) is printed too, as the floor the issue first measured.
    plain, _ = timed(_floor, lo, hi, repeat=1)
    floor, rows = timed(_floor, lo, hi, lists.FULL_SCAN_SETTINGS, repeat=2)
    print(f"  (SQL GROUP BY with PostgreSQL's default plan: {plain * 1000:.0f} ms)")
    full, _lst = timed(
        lists.compile_needs_list, period_start=start, period_end=end, full=True, group_first=False
    )
    report(f"full compile ({ctx['n']:,} needs, {rows:,} topics)", full, floor, "SQL GROUP BY")
    again, _lst = timed(
        lists.compile_needs_list, period_start=start, period_end=end, full=True, group_first=False
    )
    report("full recompile of the same list", again, floor, "SQL GROUP BY")
    # One day's new needs, saved the way residents' are (grouping still to do).
    cats = list(Category.objects.filter(parent__isnull=False)[:12])
    texts = [
        "电梯经常故障停运",
        "楼道灯不亮",
        "小区门口乱停车",
        "垃圾桶站满溢",
        "老年餐桌午饭不够",
        "广场舞噪音扰民",
    ]
    from huitian.models import Area

    communities = list(Area.objects.filter(level="community")[:60])
    day = int(__import__("os").environ.get("BENCH_DAY_NEEDS", 2500))
    rows_new = [
        Need(
            channel="hotline_12345",
            community=communities[i % len(communities)],
            category=cats[i % len(cats)],
            title=texts[i % len(texts)],
            text=f"{i % 20}号楼{texts[i % len(texts)]}，请尽快处理",
            contact_phone=f"139{i:08d}",
            external_ref=f"BENCH-DAY-{i}",
            response_due=today,
            resolution_due=today,
        )
        for i in range(day)
    ]
    t0 = time.perf_counter()
    Need.objects.bulk_create(rows_new, batch_size=1000)
    insert = time.perf_counter() - t0
    # The incremental compile after one day = grouping the day's needs (jieba) + the
    # compile of the topics they touched: timed as the two steps compile_needs_list runs.
    t0 = time.perf_counter()
    while lists.group_pending_needs(1000):
        pass
    grouping = time.perf_counter() - t0
    compile_only, _ = timed(lists.compile_needs_list, period_start=start, period_end=end)
    incr = grouping + compile_only
    report(
        f"incremental compile ({day:,} new needs, jieba incl.)",
        incr,
        full,
        "full compile",
        f"   = {incr / full * 100:.1f} % of the full compile",
    )
    texts_day = [f"{n.title} {n.text}" for n in rows_new]
    floor_cut, _ = timed(lambda: [jieba.lcut(t) for t in texts_day], repeat=3)
    cut, _ = timed(lambda: [text.tokenize(t) for t in texts_day], repeat=3)
    report(f"  one day's grouping ({day:,} needs, jieba incl.)", grouping, floor_cut, "jieba.lcut")
    report(f"  one day's tokenize ({day:,} texts)", cut, floor_cut, "jieba.lcut")
    report("  compile of the touched topics", compile_only, full, "full compile")
    print(
        f"  (jieba.lcut alone over the day's texts is {floor_cut / full * 100:.1f} % of the full"
        " compile; through the day kick_grouping and the minute sweep group each need within"
        " seconds of its intake, so the compile at the end of the day is the touched topics' alone)"
    )
    idle, _ = timed(lists.compile_needs_list, period_start=start, period_end=end)
    report("incremental compile, nothing new", idle, floor, "full SQL GROUP BY")
    print(
        f"  (inserting the day's {day:,} needs took {insert * 1000:.0f} ms; "
        f"jieba's dictionary, loaded once per worker at its start, {load * 1000:.0f} ms)"
    )
