"""A Redis cache that degrades instead of failing.

The cache holds throttle counters and short-lived lookups. When Redis is down,
a read is a miss and a write is dropped (logged once a minute), so pages and
API calls keep working; nothing the platform must not lose lives here.
"""

import logging
import os
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
_last_logged = 0.0


def log_outage(exc: Exception) -> None:
    global _last_logged
    now = time.monotonic()
    if now - _last_logged > 60:
        _last_logged = now
        logger.warning(
            "cache unavailable (%s: %s); serving without it", exc.__class__.__name__, exc
        )


def _degrading(name: str, fallback):
    parent = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            return parent(self, *args, **kwargs)
        except OUTAGE_ERRORS as exc:
            log_outage(exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


def _default_arg(key, default=None, *args, **kwargs):
    return default


_pools: dict[tuple, object] = {}
_clients: dict[int, object] = {}
_pools_lock = threading.Lock()


class SharedPoolClient(RedisCacheClient):
    """One connection pool and one client per process and server, whatever the thread.

    Django builds a cache object per thread, each with its own pool, and a new client
    object on every call; the cache and the throttles (which read and write through
    the cache on every write request) now share one pool of open connections per
    worker process. redis-py's pool is thread-safe and checks the pid after a fork.
    """

    def _get_connection_pool(self, write):
        url = self._servers[self._get_connection_pool_index(write)]
        key = (os.getpid(), url, repr(sorted(self._pool_options.items(), key=str)))
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(url, **self._pool_options)
        return pool

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = _clients.get(id(pool))
        if client is None:
            client = _clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolClient

    get = _degrading("get", _default_arg)
    get_many = _degrading("get_many", {})
    has_key = _degrading("has_key", False)
    add = _degrading("add", False)
    set = _degrading("set", None)
    set_many = _degrading("set_many", lambda data, *a, **k: list(data))
    touch = _degrading("touch", False)
    delete = _degrading("delete", False)
    delete_many = _degrading("delete_many", None)
    incr = _degrading("incr", lambda key, delta=1, *a, **k: delta)
    clear = _degrading("clear", None)
