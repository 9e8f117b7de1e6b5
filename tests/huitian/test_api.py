"""API skeleton (D3): root, areas, tokens, one error shape for every failure."""

import datetime as dt

import pytest
import time_machine

from huitian.api.throttling import AnonBurstThrottle, LoginThrottle
from tests.conftest import PASSWORD, STREET_A, api_as

pytestmark = pytest.mark.django_db


def assert_error_shape(response, status, code):
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"code", "detail", "fields"}
    assert body["code"] == code, body
    assert body["detail"]
    return body


def test_api_root_lists_endpoints_for_anyone(api):
    body = api.get("/api/v1/").json()
    assert "areas" in body


def test_area_list_is_paginated_filterable_and_query_count_pinned(
    api, areas, django_assert_num_queries
):
    with django_assert_num_queries(2):  # count + page
        page = api.get("/api/v1/areas/", {"level": "community", "page_size": 100}).json()
    assert page["count"] == 146 and len(page["results"]) == 100
    street = areas[STREET_A]
    with django_assert_num_queries(3):  # parent lookup + count + page
        children = api.get("/api/v1/areas/", {"parent": street.pk, "page_size": 100}).json()
    assert children["count"] == street.children.count()
    assert {r["parent"] for r in children["results"]} == {street.pk}
    assert all(r["code"].startswith(STREET_A) for r in children["results"])


def test_area_detail_and_unknown_id(api, areas):
    area = areas[STREET_A]
    assert api.get(f"/api/v1/areas/{area.pk}/").json()["name"] == "回龙观街道"
    body = assert_error_shape(api.get("/api/v1/areas/999999/"), 404, "not_found")
    assert body["detail"] == "未找到，或您无权查看。"


def test_unknown_parent_filter_is_a_field_error(api, areas):
    body = assert_error_shape(api.get("/api/v1/areas/", {"parent": 999999}), 400, "invalid")
    assert "parent" in body["fields"]


def test_unknown_api_path_is_json_404(api):
    assert_error_shape(api.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_oversized_and_invalid_page_size(api, areas):
    body = assert_error_shape(api.get("/api/v1/areas/", {"page_size": 5000}), 400, "invalid")
    assert body["fields"]["page_size"] == ["page_size 必须是 1 到 100 之间的整数。"]
    assert_error_shape(api.get("/api/v1/areas/", {"page_size": "many"}), 400, "invalid")
    assert_error_shape(api.get("/api/v1/areas/", {"page": 99}), 404, "not_found")


def test_token_obtain_and_use(api, cast):
    tokens = api.post("/api/v1/auth/token/", {"username": "street_a", "password": PASSWORD}).json()
    assert {"access", "refresh"} <= set(tokens)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = api.get("/api/v1/me/").json()
    assert me["username"] == "street_a"
    assert me["roles"][0]["role"] == "street_staff" and me["roles"][0]["area_name"] == "回龙观街道"


def test_wrong_password_is_401_in_the_shape(api, cast):
    body = assert_error_shape(
        api.post("/api/v1/auth/token/", {"username": "street_a", "password": "nope"}),
        401,
        "no_active_account",
    )
    assert body["fields"] == {}


def test_expired_token_is_refused_with_a_reason(api, cast):
    access = api.post("/api/v1/auth/token/", {"username": "street_a", "password": PASSWORD}).json()[
        "access"
    ]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)):
        assert_error_shape(api.get("/api/v1/me/"), 401, "token_not_valid")


def test_anonymous_me_is_401(api):
    assert_error_shape(api.get("/api/v1/me/"), 401, "not_authenticated")


def test_malformed_json_is_a_parse_error(api, cast):
    response = api.post(
        "/api/v1/auth/token/", data='{"username": "x",', content_type="application/json"
    )
    assert_error_shape(response, 400, "parse_error")


def test_nul_bytes_and_huge_input_never_500(api, cast):
    nul = api.post("/api/v1/auth/token/", {"username": "street\x00a", "password": "x"})
    body = assert_error_shape(nul, 400, "invalid")
    assert "username" in body["fields"]
    huge = api.post("/api/v1/auth/token/", {"username": "回" * 10_000, "password": "😀" * 50})
    body = assert_error_shape(huge, 400, "invalid")
    assert "username" in body["fields"]


def test_english_error_messages_on_request(api, areas):
    response = api.get("/api/v1/areas/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Not found, or not visible to you."


def test_login_is_throttled_per_address(api, cast, monkeypatch):
    monkeypatch.setattr(LoginThrottle, "rate", "3/min", raising=False)
    for _ in range(3):
        api.post("/api/v1/auth/token/", {"username": "nobody-here", "password": "x"})
    assert_error_shape(
        api.post("/api/v1/auth/token/", {"username": "x", "password": "y"}), 429, "throttled"
    )


def test_anonymous_reads_are_throttled(api, areas, monkeypatch):
    monkeypatch.setattr(AnonBurstThrottle, "rate", "2/min", raising=False)
    api.get("/api/v1/areas/")
    api.get("/api/v1/areas/")
    assert_error_shape(api.get("/api/v1/areas/"), 429, "throttled")


def test_notifications_are_the_callers_own(cast):
    from huitian.services import notify

    notify(recipients=[cast.resident], kind="test", title="您的需求已受理")
    notify(recipients=[cast.resident_other], kind="test", title="别人的消息")
    mine = api_as(cast.resident).get("/api/v1/notifications/").json()
    assert [n["title"] for n in mine["results"]] == ["您的需求已受理"]
    marked = api_as(cast.resident).post("/api/v1/notifications/mark-read/", {}).json()
    assert marked == {"marked": 1}


def test_the_app_reads_a_notifications_kind_in_words(cast):
    from huitian.services import notify

    notify(recipients=[cast.resident], kind="procurement.need", title="您的需求已受理")
    notify(recipients=[cast.resident], kind="made.up", title="新的消息")
    rows = api_as(cast.resident).get("/api/v1/notifications/").json()["results"]
    labels = {n["kind"]: n["kind_label"] for n in rows}
    # A known kind in Chinese words; an unknown one shows its code rather than nothing.
    assert labels == {"procurement.need": "需求进展", "made.up": "made.up"}


def test_openapi_schema_validates_and_docs_are_offline(api):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/v1/areas/" in schema["paths"]
    assert api.get("/api/schema/").status_code == 200
    docs = api.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs
    assert "cdn." not in docs and "unpkg" not in docs and "jsdelivr" not in docs


def test_server_errors_on_api_paths_keep_the_shape(rf):
    from huitian.views import server_error

    response = server_error(rf.get("/api/v1/areas/"))
    assert response.status_code == 500
    import json

    assert json.loads(response.content)["code"] == "server_error"
