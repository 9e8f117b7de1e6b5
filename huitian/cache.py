"""A Redis cache that degrades instead of failing.

The cache holds throttle counters and short-lived lookups. When Redis is down,
a read is a miss and a write is dropped (logged once a minute), so pages and
API calls keep working; nothing the platform must not lose lives here.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
_last_logged = 0.0


def _log_outage(exc: Exception) -> None:
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
        except _OUTAGE_ERRORS as exc:
            _log_outage(exc)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


def _default_arg(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
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
