"""With Redis stopped, pages and API calls that do not need Celery still work."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_stopped(settings, broker_down):
    settings.REDIS_URL = DEAD_REDIS
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS},
    }
    yield


def test_pages_and_api_work_with_redis_stopped(client, api, cast, areas, redis_stopped):
    assert client.get("/").status_code == 200
    assert client.get("/areas/").status_code == 200
    assert api.get("/api/v1/areas/").status_code == 200  # anonymous: throttled through the cache
    token = api.post("/api/v1/auth/token/", {"username": "street_a", "password": PASSWORD})
    assert token.status_code == 200
    assert client.get("/healthz").json() == {"status": "degraded"}
    client.force_login(cast.district)
    assert client.get("/healthz").json()["broker"]["ok"] is False


def test_the_cache_degrades_to_misses(settings):
    from huitian.cache import ResilientRedisCache

    dead = ResilientRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert dead.get("k", "fallback") == "fallback"
    assert dead.add("k", 1) is False
    assert dead.set("k", 1) is None
    assert dead.incr("k") == 1
