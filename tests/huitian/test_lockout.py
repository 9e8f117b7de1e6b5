"""Password guessing is slowed, then locked for a while; the lock lifts by itself.

One user's failures lock that user at that address only: behind the TLS proxy every
user shares the proxy's address, so an address-wide lock after five failures would
lock everybody out. Spraying many usernames from one address hits a higher limit.
"""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = {"username": "street_a", "password": "guess"}
OFFICE = "10.7.7.7"  # one address shared by many users (a proxy, an office NAT)


def _token(username, password, **extra):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, **extra
    )


def _portal(username, password, **extra):
    return Client().post("/accounts/login/", {"username": username, "password": password}, **extra)


def _admin(username, password, **extra):
    return Client().post("/admin/login/", {"username": username, "password": password}, **extra)


def _signed_in(door, response) -> bool:
    if door is _token:
        return response.status_code == 200 and "access" in response.json()
    return response.status_code == 302 and "_auth_user_id" in response.client.session


DOORS = [_token, _portal, _admin]


def test_token_endpoint_locks_account_then_unlocks(cast, settings):
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _token("street_a", "guess")
        locked = _token("street_a", PASSWORD)
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "locked_out" and "15 分钟" in body["detail"]
    # After the cool-off the right password works again.
    with time_machine.travel(
        start + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1), tick=False
    ):
        again = _token("street_a", PASSWORD)
    assert again.status_code == 200 and "access" in again.json()


def test_portal_and_admin_login_lock_too(cast, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", WRONG)
    page = client.post("/accounts/login/", {"username": "street_a", "password": PASSWORD})
    assert page.status_code == 429
    assert "登录暂时被锁定" in page.content.decode()
    admin = Client().post("/admin/login/", {"username": "street_a", "password": PASSWORD})
    assert admin.status_code == 429


@pytest.mark.parametrize("door", DOORS, ids=["token", "portal", "admin"])
def test_a_locked_user_does_not_lock_others_at_the_same_address(door, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        door("street_a", "guess", REMOTE_ADDR=OFFICE)
    locked = door("street_a", PASSWORD, REMOTE_ADDR=OFFICE)
    assert locked.status_code == 429
    # A colleague behind the same address signs in as usual.
    assert _signed_in(door, door("street_b", PASSWORD, REMOTE_ADDR=OFFICE))
    # The locked user from another address is not locked either.
    assert _signed_in(door, door("street_a", PASSWORD, REMOTE_ADDR="10.9.9.9"))


@pytest.mark.parametrize("door", DOORS, ids=["token", "portal", "admin"])
def test_spraying_many_usernames_from_one_address_locks_the_address(door, cast, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6  # below the token endpoint's 10/min throttle
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        door(f"user{i}", "x", REMOTE_ADDR="10.1.1.1")
    blocked = door("street_b", PASSWORD, REMOTE_ADDR="10.1.1.1")
    assert blocked.status_code == 429
    # Fewer failures than the address limit would not have locked it: each account
    # failed only once, far below the per-account limit.
    assert settings.AXES_FAILURE_LIMIT > 1
    assert _signed_in(door, door("street_b", PASSWORD, REMOTE_ADDR="10.2.2.2"))


def test_address_below_its_limit_is_not_locked(cast, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        _portal(f"user{i}", "x", REMOTE_ADDR="10.1.1.1")
    assert _signed_in(_portal, _portal("street_b", PASSWORD, REMOTE_ADDR="10.1.1.1"))


def test_a_sprayer_with_one_valid_account_cannot_reset_the_address_count(cast, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT - 1):
        _portal(f"user{i}", "x", REMOTE_ADDR="10.1.1.1")
    assert _signed_in(_portal, _portal("resident", PASSWORD, REMOTE_ADDR="10.1.1.1"))
    _portal("user99", "x", REMOTE_ADDR="10.1.1.1")
    assert _portal("street_b", PASSWORD, REMOTE_ADDR="10.1.1.1").status_code == 429


def _behind_one_proxy(settings):
    """What DJANGO_PROXY_COUNT=1 configures (see settings.py)."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.IPWARE_STRICT = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


@pytest.mark.parametrize("door", DOORS, ids=["token", "portal", "admin"])
def test_behind_the_proxy_the_client_address_comes_from_the_proxy_header(door, cast, settings):
    _behind_one_proxy(settings)
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    proxy = {"REMOTE_ADDR": "172.18.0.2"}
    # A sprayer behind the proxy, making up a different X-Forwarded-For each time.
    for i in range(settings.AXES_ADDRESS_FAILURE_LIMIT):
        door(f"user{i}", "x", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.5", **proxy)
    blocked = door("street_b", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert blocked.status_code == 429
    # Everyone else comes through the same proxy address and is not locked.
    fine = door("street_b", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert _signed_in(door, fine)


def test_the_proxy_setting_maps_onto_ipware(monkeypatch):
    """DJANGO_PROXY_COUNT configures django-ipware (AXES_PROXY_COUNT alone did nothing)."""
    import importlib

    from axes import helpers

    from huitian import settings as settings_module

    # Installed: without django-ipware, axes ignores every proxy setting silently.
    assert helpers.IPWARE_INSTALLED

    monkeypatch.setenv("DJANGO_PROXY_COUNT", "1")
    try:
        configured = importlib.reload(settings_module)
        assert configured.AXES_IPWARE_META_PRECEDENCE_ORDER[0] == "HTTP_X_FORWARDED_FOR"
        assert configured.AXES_IPWARE_PROXY_COUNT == 0
        assert configured.REST_FRAMEWORK["NUM_PROXIES"] == 1
    finally:
        monkeypatch.delenv("DJANGO_PROXY_COUNT")
        importlib.reload(settings_module)
