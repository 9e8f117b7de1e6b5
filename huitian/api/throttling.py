"""Rate limits, each checked in ONE Redis round trip.

DRF's SimpleRateThrottle reads the caller's history (a GET), then writes it back
(a SET): two round trips on every write request, and two workers that read the same
history both let a request through. Here the window is a Redis sorted set of
timestamps, trimmed, counted and extended by one script (atomic, one EVALSHA).
With another cache (the embedded default) or with Redis down, DRF's own GET/SET
path runs: the cache then degrades to misses and requests are let through.
"""

import uuid

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy
from rest_framework.throttling import SimpleRateThrottle

from huitian.cache import OUTAGE_ERRORS, log_outage

# KEYS[1] the window; ARGV now, duration (s), limit, a unique member.
# Returns {1, 0} when allowed (the request is recorded), {0, oldest} when refused.
_WINDOW_LUA = """
local key, now, duration, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - duration)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, oldest[2]}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, math.ceil(duration))
return {1, '0'}
"""
_scripts: dict[int, object] = {}


def _window_script(cache):
    """The registered script for the cache's Redis client (one per client and process)."""
    client = cache._cache.get_client(write=True)
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_WINDOW_LUA)
    return script


def _backend(cache):
    """The cache object behind DRF's `default_cache` (a proxy to this thread's cache)."""
    return caches[DEFAULT_CACHE_ALIAS] if isinstance(cache, ConnectionProxy) else cache


class OneRoundTripThrottle(SimpleRateThrottle):
    def allow_request(self, request, view):
        cache = _backend(self.cache)
        if self.rate is None or not isinstance(cache, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            allowed, oldest = _window_script(cache)(
                # Its own key: DRF's pickled history may still sit under the plain one.
                keys=[cache.make_and_validate_key(f"{self.key}:window")],
                args=[self.now, self.duration, self.num_requests, f"{self.now}:{uuid.uuid4().hex}"],
            )
        except OUTAGE_ERRORS as exc:  # as the cache does: serve without it
            log_outage(exc)
            return True
        if allowed:
            return True
        self.history = [float(oldest)]
        return self.throttle_failure()

    def wait(self):
        if not isinstance(_backend(self.cache), RedisCache):
            return super().wait()
        # The oldest request in the window leaves it after this long; then one more fits.
        return max(0.0, self.duration - (self.now - self.history[-1])) if self.history else None


class AnonBurstThrottle(OneRoundTripThrottle):
    """Anonymous requests per address (DRF's AnonRateThrottle's key)."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteThrottle(OneRoundTripThrottle):
    """Writes (POST, PUT, PATCH, DELETE) per user, or per address when anonymous."""

    scope = "write"

    def get_cache_key(self, request, view):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return None
        ident = (
            f"user-{request.user.pk}" if request.user.is_authenticated else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginThrottle(OneRoundTripThrottle):
    """Token requests per address: slows password guessing before django-axes locks."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
