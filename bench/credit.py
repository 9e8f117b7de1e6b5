# ruff: noqa: E501  (SQL and report lines read better unwrapped)
"""Credit figures (issue 10), with `orgs` community organizations and `events` credit events:
- the nightly star recompute (`recompute_star_ratings`), first run (writes every rating) and
  the steady nightly run (nothing changed, writes nothing), against the raw SQL aggregation
  that computes the same components for every organization (the floor);
- one organization's public credit page (`/credit/organizations/{id}/`) in process, read
  anonymously, with its body rendered on every request (cold) and as served in the steady
  state (the whole page cached until a record it shows changes, the reader's CSRF token
  put in), both against the SQL the cold page runs, replayed raw (what the page needs
  from the database).
The query count of the public list is independent of the page size: that one is a test
(tests/credit/test_disclosure.py).
"""

import cProfile
import datetime
import io
import pstats
import time
from contextlib import contextmanager

from django.db import connection

from bench.dataset import report

PREFIX = "BENCH信用"

FLOOR_SQL = """
WITH ids AS (SELECT id FROM registry_organization WHERE name LIKE %(prefix)s),
rep AS (SELECT DISTINCT ON (organization_id) organization_id, year, conclusion
        FROM registry_annualreport WHERE organization_id IN (SELECT id FROM ids) AND year >= %(year)s
        ORDER BY organization_id, year DESC),
itv AS (SELECT organization_id, count(*) n FROM registry_interview
        WHERE organization_id IN (SELECT id FROM ids) AND held_on > %(year_ago)s GROUP BY 1),
nd AS (SELECT assigned_org_id, count(*) n, avg(satisfaction) sat FROM procurement_need
       WHERE assigned_org_id IN (SELECT id FROM ids) AND resolved_at::date > %(year_ago)s GROUP BY 1),
wh AS (SELECT organization_id, count(*) n FROM procurement_whistleresponse
       WHERE organization_id IN (SELECT id FROM ids) AND responded_at::date > %(year_ago)s GROUP BY 1),
cp AS (SELECT organization_id, count(*) n FROM credit_complaint
       WHERE organization_id IN (SELECT id FROM ids) AND state = 'verified' AND decided_on > %(year_ago)s GROUP BY 1),
ls AS (SELECT organization_id, min(kind) kind FROM credit_listentry
       WHERE organization_id IN (SELECT id FROM ids) AND state = 'listed' GROUP BY 1),
ev AS (SELECT organization_id, sum(effect) total FROM credit_creditevent
       WHERE organization_id IN (SELECT id FROM ids) AND occurred_on <= %(today)s
         AND (expires_on IS NULL OR expires_on > %(today)s) GROUP BY 1)
SELECT ids.id, rep.conclusion, itv.n, nd.n, nd.sat, wh.n, cp.n, ls.kind, ev.total
FROM ids LEFT JOIN rep ON rep.organization_id = ids.id LEFT JOIN itv ON itv.organization_id = ids.id
LEFT JOIN nd ON nd.assigned_org_id = ids.id LEFT JOIN wh ON wh.organization_id = ids.id
LEFT JOIN cp ON cp.organization_id = ids.id LEFT JOIN ls ON ls.organization_id = ids.id
LEFT JOIN ev ON ev.organization_id = ids.id
"""


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def prepare(orgs: int, events: int) -> list[int]:
    """`orgs` community organizations named BENCH信用…, `events` credit events spread over
    them (generated in SQL); reused when the sizes match."""
    from huitian import services
    from huitian.models import Area
    from registry.models import Organization

    services.load_areas()

    ids = list(
        Organization.objects.filter(name__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(ids) < orgs:
        communities = list(Area.objects.filter(level="community").values_list("pk", flat=True)[:50])
        Organization.objects.bulk_create(
            [
                Organization(
                    name=f"{PREFIX}{i:06d}",
                    legal_form=Organization.LegalForm.COMMUNITY_GROUP,
                    registration_level=Organization.RegistrationLevel.FILED,
                    filing_number=f"BENCH-CREDIT-{i:06d}",
                    home_area_id=communities[i % len(communities)],
                    status=Organization.Status.ACTIVE,
                )
                for i in range(len(ids), orgs)
            ],
            batch_size=2000,
        )
        ids = list(
            Organization.objects.filter(name__startswith=PREFIX)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    ids = ids[:orgs]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM credit_creditevent WHERE organization_id BETWEEN %s AND %s",
            [ids[0], ids[-1]],
        )
        have = cur.fetchone()[0]
        if have < events:
            t0 = time.perf_counter()
            cur.execute(
                """
                INSERT INTO credit_creditevent (organization_id, kind, occurred_on, effect, expires_on,
                    public, summary, reason, recorded_at)
                SELECT %(first)s + (g %% %(n)s), (ARRAY['whistle_response','whistle_no_show','interview','honour','complaint'])[1 + g %% 5],
                    d, (ARRAY[2,-3,-5,5,-10])[1 + g %% 5], d + 1095, true, 'bench', '', now()
                FROM generate_series(%(from)s, %(to)s - 1) g,
                     LATERAL (SELECT (DATE '2026-11-01' - (g %% 1500))::date AS d) day
                """,
                {"first": ids[0], "n": len(ids), "from": have, "to": events},
            )
            print(f"generated {events - have} credit events in {time.perf_counter() - t0:.1f} s")
        cur.execute("ANALYZE credit_creditevent")
    return ids


def bench_credit(orgs: int, events: int) -> None:
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from credit.models import StarRating
    from credit.services import stars

    ids = prepare(orgs, events)
    today = datetime.date(2026, 11, 30)
    params = {
        "prefix": f"{PREFIX}%",
        "year": today.year - 2,
        "year_ago": today - datetime.timedelta(days=365),
        "today": today,
    }

    def floor():
        with connection.cursor() as cur:
            cur.execute(FLOOR_SQL, params)
            cur.fetchall()

    floor_s = _best(floor)
    had = StarRating.objects.filter(organization_id__in=ids[:1]).exists()
    if had:
        # A new model version (same weights) makes every rating differ: the run writes
        # them all again, as a first run does.
        _new_model_version()
    t0 = time.perf_counter()
    written = stars.recompute_star_ratings(organization_ids=ids, today=today)
    first = time.perf_counter() - t0
    report(
        f"star recompute, {'first run' if not had else 'new model version'} ({written} written)",
        first,
        floor_s,
        "raw SQL components",
        f"   ({len(ids)} orgs, {events} events)",
    )
    t0 = time.perf_counter()
    again = stars.recompute_star_ratings(organization_ids=ids, today=today)
    steady = time.perf_counter() - t0
    report(
        f"star recompute, nightly unchanged ({again} written)",
        steady,
        floor_s,
        "raw SQL components",
    )

    client = Client()
    org_id = ids[len(ids) // 2]
    path = f"/credit/organizations/{org_id}/"
    k = 50

    def page():
        for _ in range(k):
            client.get(path)

    def raw_of(sqls):
        def raw():
            with connection.cursor() as cur:
                for _ in range(k):
                    for sql in sqls:
                        cur.execute(sql.replace("%", "%%"))
                        cur.fetchall()

        return raw

    # Cold: the body rendered on every request (no cache), against the queries it ran.
    with _no_page_cache():
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        cold_sqls = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT")]
        cold_floor = _best(raw_of(cold_sqls)) / k
        report(
            "public credit page, body rendered (cold)",
            _best(page) / k,
            cold_floor,
            f"its {len(cold_sqls)} queries raw",
        )
    # Steady state: nothing changed since the last request, the page comes from the cache.
    report(
        "public credit page (one organization)",
        _best(page) / k,
        cold_floor,
        f"the page's {len(cold_sqls)} queries raw",
        f"   ({_round_trips(lambda: client.get(path))} per request)",
    )
    # A signed-in member: the cached body in a shell rendered for them (not a target).
    member = Client()
    member.force_login(_member_of(org_id))
    report(
        "public credit page, signed in as its member",
        _best(lambda: [member.get(path) for _ in range(k)]) / k,
        cold_floor,
        f"the page's {len(cold_sqls)} queries raw",
        f"   ({_round_trips(lambda: member.get(path))} per request)",
    )


def _round_trips(call) -> str:
    """Queries and Redis commands of one call, after a warming one."""
    from django.test.utils import CaptureQueriesContext

    from bench.profiling import redis_round_trips

    call()
    redis: list = []
    with CaptureQueriesContext(connection) as ctx, redis_round_trips(redis):
        call()
    n = len(ctx.captured_queries)
    return f"{n} {'query' if n == 1 else 'queries'}, {len(redis)} Redis round trips"


def _member_of(org_id: int):
    from huitian import services
    from huitian.models import Role, User
    from registry.models import Organization

    user, _ = User.objects.get_or_create(username="bench_credit_member")
    org = Organization.objects.get(pk=org_id)
    services.assign_role(user=user, role=Role.ORG_MEMBER, organization=org)
    return user


@contextmanager
def _no_page_cache():
    """The credit page's caches, switched off (every request renders the body)."""
    from unittest import mock

    from credit import views

    class NoCache:
        def get(self, key, default=None):
            return default

        def set(self, *args, **kwargs):
            return None

    with (
        mock.patch.object(views, "cache", NoCache()),
        mock.patch.object(views, "recent_pages", NoCache()),
    ):
        yield


def _new_model_version() -> None:
    """A new star model version with the same weights: every rating differs from the last."""
    from credit.models import StarModel
    from credit.services import stars

    last = StarModel.objects.order_by("-version").first()
    StarModel.objects.create(
        **{f: getattr(last, f) for f in stars.FIRST_MODEL if f != "note"},
        version=last.version + 1,
        note="bench",
    )


def _profile_recompute(title: str, run, *, new_model: bool = False) -> None:
    """The run's queries by table, then cProfile of another run (each after a new model
    version when `new_model`, so both write every rating)."""
    from django.test.utils import CaptureQueriesContext

    from bench.profiling import _short

    print(f"\n== {title}: queries of the run")
    if new_model:
        _new_model_version()
    with CaptureQueriesContext(connection) as ctx:
        t0 = time.perf_counter()
        run()
        dt = time.perf_counter() - t0
    print(f"  {dt * 1000:.1f} ms, {len(ctx.captured_queries)} queries")
    by_table: dict[str, list[float]] = {}
    for q in ctx.captured_queries:
        by_table.setdefault(_short(q["sql"])[:90], []).append(float(q["time"]))
    for sql, times in sorted(by_table.items(), key=lambda kv: -sum(kv[1]))[:12]:
        print(f"  {sum(times) * 1000:8.1f} ms  ×{len(times):<4} {sql}")
    if new_model:
        _new_model_version()
    prof = cProfile.Profile()
    prof.enable()
    run()
    prof.disable()
    for order in ("cumulative", "tottime"):
        print(f"  cProfile ({order}):")
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(order).print_stats(25)
        lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
        print("\n".join("    " + ln for ln in lines[-26:]))


def profile_credit(orgs: int, events: int) -> None:
    """What the two figures spend their time on (`--only-credit --profile`): the page's
    queries and Redis round trips, cProfile of the page and of the recompute, the
    recompute's queries, EXPLAIN (ANALYZE, BUFFERS) of the floor and of the events
    aggregate."""
    from django.test import Client

    from bench.profiling import _explain, _show_request
    from credit.services import stars

    ids = prepare(orgs, events)
    today = datetime.date(2026, 11, 30)
    stars.recompute_star_ratings(organization_ids=ids, today=today)
    client = Client()
    path = f"/credit/organizations/{ids[len(ids) // 2]}/"
    _show_request(f"GET {path}", lambda: client.get(path))

    def run():
        stars.recompute_star_ratings(organization_ids=ids, today=today)

    _profile_recompute("star recompute, nightly unchanged", run)
    _profile_recompute("star recompute, new model version", run, new_model=True)
    params = {
        "prefix": f"{PREFIX}%",
        "year": today.year - 2,
        "year_ago": today - datetime.timedelta(days=365),
        "today": today,
    }
    print("\n== floor: EXPLAIN (ANALYZE, BUFFERS)")
    _explain(FLOOR_SQL, params)
