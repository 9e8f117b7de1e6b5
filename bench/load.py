# ruff: noqa: E501  (SQL and report lines read better unwrapped)
"""Bounded load run on loopback: gunicorn (2 workers) + PostgreSQL, a thread-pool client."""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", 8192))
# Threads per worker (gthread): requests wait on PostgreSQL and Redis, so a worker
# with a few threads could keep its core busy (BENCH_GUNICORN_THREADS=4); on this
# shared 2-core machine sync workers (the default, 1) measured faster.
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", 1))


def _wait_port(port: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _token() -> str:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)  # password hashing, loaded box
    conn.request(
        "POST",
        "/api/v1/auth/token/",
        json.dumps({"username": "bench_resident", "password": "bench-password-123456"}),
        {"Content-Type": "application/json"},
    )
    body = json.loads(conn.getresponse().read())
    return body["access"]


def _run(
    path: str,
    method: str,
    body: bytes | None,
    headers: dict,
    n: int,
    seconds: float,
    threads: int = 16,
):
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(n))
    deadline = time.perf_counter() + seconds
    local = threading.local()

    def one(_):
        nonlocal errors
        if time.perf_counter() > deadline:
            return
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        t0 = time.perf_counter()
        try:
            conn.request(method, path, body, headers)
            resp = conn.getresponse()
            resp.read()
            ok = resp.status < 300
        except (OSError, http.client.HTTPException):
            local.conn = None
            ok = False
        dt = time.perf_counter() - t0
        with lock:
            if ok:
                latencies.append(dt)
            else:
                errors += 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, counter))
    wall = time.perf_counter() - t0
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan")
    return {
        "ok": len(latencies),
        "errors": errors,
        "rate": len(latencies) / wall,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": p99,
    }


def bench_load(ctx: dict, *, url: str, requests: int, seconds: float) -> None:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench.settings_bench",
        THROTTLE_WRITE="1000000/min",
        THROTTLE_ANON="1000000/min",
        DJANGO_DEBUG="false",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "huitian.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_port(PORT)
        token = _token()
        body = json.dumps(
            {
                "community": "110114011001",
                "category": "elderly_meals",
                "title": "压测老年餐桌午饭不够",
                "text": "三号楼老年餐桌中午饭菜经常不够，高龄老人吃不上热饭",
                "contact_phone": "13812345678",
            }
        ).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        _run("/bench/ping", "GET", None, {}, 200, 10)  # warm up both workers
        floor = _run("/bench/ping", "GET", None, {}, requests, seconds)
        _run("/api/v1/needs/", "POST", body, headers, 50, 10)
        post = _run("/api/v1/needs/", "POST", body, headers, requests, seconds)
        print(
            f"load POST /api/v1/needs/ (gunicorn -w 2 --threads {THREADS}, 16 client threads, ≤{requests} req / ≤{seconds:.0f} s): "
            f"{post['rate']:.0f} req/s, p50 {post['p50'] * 1000:.0f} ms, p99 {post['p99'] * 1000:.0f} ms, "
            f"{post['errors']} errors"
        )
        print(
            f"load floor GET /bench/ping (minimal Django view): {floor['rate']:.0f} req/s, "
            f"p99 {floor['p99'] * 1000:.0f} ms   ratio of rates {floor['rate'] / max(post['rate'], 1e-9):.2f}"
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
