"""App tokens: refresh rotates and spends the old token; a password change ends them all."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
NEW_PASSWORD = "a-brand-new-password-2026"


def _tokens(username="street_a", password=PASSWORD) -> dict:
    response = APIClient().post(TOKEN, {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def _me(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/me/")


def _refresh(refresh):
    return APIClient().post(REFRESH, {"refresh": refresh})


def test_refresh_rotates_and_the_old_refresh_token_is_spent(cast):
    first = _tokens()
    renewed = _refresh(first["refresh"])
    assert renewed.status_code == 200
    body = renewed.json()
    assert body["refresh"] != first["refresh"] and _me(body["access"]).status_code == 200
    reused = _refresh(first["refresh"])
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_not_valid"
    assert _refresh(body["refresh"]).status_code == 200


def test_a_password_change_ends_every_token_issued_before(cast):
    tokens = _tokens()
    assert _me(tokens["access"]).status_code == 200
    cast.street_a.set_password(NEW_PASSWORD)
    cast.street_a.save()
    refused = _refresh(tokens["refresh"])
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_superseded"
    me = _me(tokens["access"])
    assert me.status_code == 401 and me.json()["code"] == "token_superseded"
    # Even if the old password came back, the spent refresh token stays spent.
    fresh = _tokens(password=NEW_PASSWORD)
    assert _me(fresh["access"]).status_code == 200
    assert _refresh(fresh["refresh"]).status_code == 200


def test_changing_the_password_in_the_admin_ends_app_tokens(cast):
    tokens = _tokens()
    browser = Client()
    browser.force_login(cast.street_a)
    changed = browser.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302, changed.content[:500]
    assert _refresh(tokens["refresh"]).status_code == 401
    assert _me(tokens["access"]).status_code == 401


def test_a_deactivated_user_cannot_refresh(cast):
    tokens = _tokens()
    cast.street_a.is_active = False
    cast.street_a.save()
    response = _refresh(tokens["refresh"])
    assert response.status_code == 401


def test_a_token_without_the_password_claim_is_refused(cast):
    from rest_framework_simplejwt.tokens import RefreshToken

    forged_shape = RefreshToken.for_user(cast.street_a)  # signed, but not bound
    assert _me(str(forged_shape.access_token)).status_code == 401
    assert _refresh(str(forged_shape)).status_code == 401


def test_expired_tokens_are_flushed_by_the_daily_job(cast):
    import datetime as dt

    import time_machine
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from huitian.tasks import flush_expired_tokens

    _tokens()
    assert OutstandingToken.objects.filter(user=cast.street_a).exists()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=60)
    with time_machine.travel(later, tick=False):
        flush_expired_tokens.delay()
    assert not OutstandingToken.objects.filter(user=cast.street_a).exists()


def test_a_bearer_request_reads_its_user_and_role_assignments_in_one_query(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from huitian.models import RoleAssignment
    from tests.conftest import COMMUNITY_A1
    from tests.procurement.factories import NeedFactory, community

    NeedFactory(community=community(COMMUNITY_A1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {_tokens('street_a')['access']}")
    with CaptureQueriesContext(connection) as ctx:
        listed = client.get("/api/v1/needs/")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    reads = [q["sql"] for q in ctx.captured_queries if "huitian_roleassignment" in q["sql"]]
    assert len(reads) == 1 and "huitian_user" in reads[0], reads
    # A grant taken away stops at the next request: nothing is kept between requests.
    RoleAssignment.objects.filter(user=cast.street_a).update(is_active=False)
    assert client.get("/api/v1/needs/").json()["count"] == 0


def test_a_bearer_token_of_a_deactivated_or_deleted_account_is_refused(cast):
    from huitian.models import User

    access = _tokens("street_a")["access"]
    User.objects.filter(pk=cast.street_a.pk).update(is_active=False)
    refused = _me(access)
    assert refused.status_code == 401 and refused.json()["code"] == "user_inactive"
    assert "已停用" in refused.json()["detail"]
    User.objects.filter(pk=cast.street_a.pk).delete()
    assert _me(access).json()["code"] == "user_not_found"
