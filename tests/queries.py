"""Test helpers that count what a call costs: queries (the same number however many rows)
and Redis commands."""

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def assert_pinned(
    fetch: Callable[[], object], grow: Callable[[], object], expected: int | None = None
) -> int:
    """`fetch` once to warm per-process caches, count it (equal to `expected` when given),
    `grow` the data, and check `fetch` runs exactly as many queries again. Returns the count."""
    fetch()
    first = count_queries(fetch)
    if expected is not None:
        assert first == expected, f"{first} queries, expected {expected}"
    grow()
    again = count_queries(fetch)
    assert again == first, (
        f"{again} queries after more rows, {first} before: something runs per row"
    )
    return first


def redis_commands(call) -> list[bytes]:
    """The commands `call()` sent to Redis (cache, throttles), each as its wire bytes."""
    from redis.connection import Connection

    sent, original = [], Connection.send_packed_command

    def spy(self, command, check_health=True):
        sent.append(command if isinstance(command, bytes) else b"".join(map(bytes, command)))
        return original(self, command, check_health)

    Connection.send_packed_command = spy
    try:
        call()
    finally:
        Connection.send_packed_command = original
    return sent
