"""Password guessing is slowed, then locked for a while; the lock lifts by itself."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = {"username": "street_a", "password": "guess"}


def test_token_endpoint_locks_account_then_unlocks(api, cast, settings):
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            api.post("/api/v1/auth/token/", WRONG)
        locked = api.post("/api/v1/auth/token/", {"username": "street_a", "password": PASSWORD})
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "locked_out" and "15 分钟" in body["detail"]
    # Another account signing in from elsewhere is not affected by the guessing.
    with time_machine.travel(start, tick=False):
        other = api.post(
            "/api/v1/auth/token/",
            {"username": "street_b", "password": PASSWORD},
            REMOTE_ADDR="10.3.3.3",
        )
    assert other.status_code == 200 and "access" in other.json()
    # After the cool-off the right password works again, from anywhere.
    with time_machine.travel(
        start + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1), tick=False
    ):
        again = api.post(
            "/api/v1/auth/token/",
            {"username": "street_a", "password": PASSWORD},
            REMOTE_ADDR="10.9.8.7",
        )
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


def test_one_address_guessing_many_accounts_gets_locked(api, cast, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        api.post(
            "/api/v1/auth/token/", {"username": f"user{i}", "password": "x"}, REMOTE_ADDR="10.1.1.1"
        )
    blocked = api.post(
        "/api/v1/auth/token/",
        {"username": "street_b", "password": PASSWORD},
        REMOTE_ADDR="10.1.1.1",
    )
    assert blocked.status_code == 429
    fine = api.post(
        "/api/v1/auth/token/",
        {"username": "street_b", "password": PASSWORD},
        REMOTE_ADDR="10.2.2.2",
    )
    assert fine.status_code == 200
