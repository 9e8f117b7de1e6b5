"""Benchmarks of the needs issue (P1/P2). Each figure is printed with a ratio
against a floor measured in the same run. Not timed tests: run with `make bench`.

    BENCH_NEEDS=1000000 make bench          # the full 1M-need dataset (default)
    BENCH_NEEDS=100000 make bench           # a quicker run
    make bench BENCH_ARGS="--skip-load"     # without the gunicorn load run

Uses a dedicated database (huitian_bench, next to DATABASE_URL's) so tests and
development data are never touched.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def bench_database_url() -> str:
    base = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/huitian"
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + os.environ.get("BENCH_DB", "huitian_bench")))


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [parts.path.lstrip("/")])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')
    admin.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--needs", type=int, default=int(os.environ.get("BENCH_NEEDS", 1_000_000)))
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument(
        "--only-load", action="store_true", help="skip the compile and in-process figures"
    )
    parser.add_argument(
        "--load-requests", type=int, default=int(os.environ.get("BENCH_LOAD_REQUESTS", 3000))
    )
    parser.add_argument(
        "--load-seconds", type=float, default=float(os.environ.get("BENCH_LOAD_SECONDS", 60))
    )
    parser.add_argument("--regenerate", action="store_true", help="drop and regenerate the needs")
    parser.add_argument(
        "--ledger-entries", type=int, default=int(os.environ.get("BENCH_LEDGER", 1_000_000))
    )
    parser.add_argument("--only-ledger", action="store_true", help="only the ledger figures")
    parser.add_argument(
        "--profile", action="store_true", help="queries, Redis round trips, cProfile, EXPLAIN"
    )
    parser.add_argument(
        "--only-dashboards", action="store_true", help="only the dashboard panel figures"
    )
    parser.add_argument(
        "--volunteers", type=int, default=int(os.environ.get("BENCH_VOLUNTEERS", 100_000))
    )
    parser.add_argument(
        "--checkins", type=int, default=int(os.environ.get("BENCH_CHECKINS", 2_000_000))
    )
    parser.add_argument("--only-volunteers", action="store_true", help="only volunteers figures")
    parser.add_argument(
        "--credit-orgs", type=int, default=int(os.environ.get("BENCH_CREDIT_ORGS", 10_000))
    )
    parser.add_argument(
        "--credit-events", type=int, default=int(os.environ.get("BENCH_CREDIT_EVENTS", 1_000_000))
    )
    parser.add_argument("--only-credit", action="store_true", help="only the credit figures")
    parser.add_argument(
        "--only-needs",
        action="store_true",
        help="only the needs figures (compile, endpoints, load): issue 14",
    )
    args = parser.parse_args()

    url = bench_database_url()
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huitian.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    # The benchmark measures the endpoint, not the throttle.
    os.environ["THROTTLE_WRITE"] = os.environ["THROTTLE_ANON"] = "1000000/min"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench import credit, dashboards, dataset, endpoints, ledger, load, volunteers

    print(f"database: {url}")
    if args.only_credit:
        run = credit.profile_credit if args.profile else credit.bench_credit
        run(args.credit_orgs, args.credit_events)
        return
    if args.only_ledger:
        ledger.bench_ledger(args.ledger_entries, ledger.district_user())
        return
    if args.only_volunteers:
        volunteers.bench_volunteers(args.volunteers, args.checkins)
        return
    ctx = dataset.prepare(args.needs, regenerate=args.regenerate)
    if args.profile:
        from bench import profiling

        profiling.profile(ctx)
        return
    if args.only_dashboards:
        dashboards.bench_dashboards(ctx)
        return
    if args.only_needs and not args.only_load:
        dataset.bench_compile(ctx)
        endpoints.bench_endpoints(ctx)
    elif not args.only_load:
        dataset.bench_compile(ctx)
        endpoints.bench_endpoints(ctx)
        ledger.bench_ledger(args.ledger_entries, ctx["users"]["bench_district"])
        dashboards.bench_dashboards(ctx)
        volunteers.bench_volunteers(args.volunteers, args.checkins, ctx["users"]["bench_district"])
        credit.bench_credit(args.credit_orgs, args.credit_events)
    if not args.skip_load:
        load.bench_load(ctx, url=url, requests=args.load_requests, seconds=args.load_seconds)


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t0:.1f} s")
