"""Inputs that used to answer 500 answer 4xx in the one error shape (issue 7, items 9, 10).

Deep JSON, text PostgreSQL cannot store, oversized bodies, too many fields, and
non-numeric ids on every detail route, on the API and on Open311.
"""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator

from huitian.api.parsers import json_depth
from huitian.api.throttling import WriteThrottle
from procurement.models import Need
from tests.conftest import COMMUNITY_A1, api_as
from tests.procurement.test_intake import body as need_body

pytestmark = pytest.mark.django_db

OPEN311 = "/open311/v2/requests.json"


def assert_error_shape(response, status, code):
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"code", "detail", "fields"}, body
    assert body["code"] == code, body
    assert body["detail"]
    return body


def assert_georeport_error(response, status, error):
    body = response.json()
    assert response.status_code == status, body
    assert isinstance(body, list) and len(body) == 1, body
    assert body[0]["code"] == status and body[0]["error"] == error, body
    assert body[0]["description"]
    return body[0]


def raw_post(client, url, text: str, content_type="application/json"):
    return client.generic("POST", url, text.encode("utf-8"), content_type=content_type)


def open311_body(**over):
    data = {
        "service_code": "elderly_meals",
        "attribute[community]": COMMUNITY_A1,
        "description": "老年餐桌午饭不够吃",
    }
    data.update(over)
    return data


# --- deep JSON --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/needs/", "/api/v1/auth/token/"])
def test_100000_nested_brackets_are_a_parse_error(cast, url):
    client = api_as(cast.resident) if url == "/api/v1/needs/" else api_as(None)
    body = assert_error_shape(raw_post(client, url, "[" * 100_000), 400, "parse_error")
    assert "32" in body["detail"]
    objects = '{"a":' * 50_000 + "1" + "}" * 50_000
    assert_error_shape(raw_post(client, url, objects), 400, "parse_error")


def test_100000_nested_brackets_on_open311(api, cast):
    assert_georeport_error(raw_post(api, OPEN311, "[" * 100_000), 400, "parse_error")
    assert not Need.objects.exists()


def test_nesting_up_to_the_limit_parses_and_brackets_inside_text_do_not_count(api, cast):
    at_limit = "[" * 32 + "]" * 32
    past = "[" * 33 + "]" * 33
    assert json_depth(at_limit, stop_after=32) == 32
    assert json_depth('{"a": "[[[[\\"[[[["}', stop_after=32) == 1
    # Past the limit: refused as a parse error; at the limit: parsed, then refused as
    # not an object (a validation error, not a parse error).
    assert_georeport_error(raw_post(api, OPEN311, past), 400, "parse_error")
    assert_georeport_error(raw_post(api, OPEN311, at_limit), 400, "invalid")
    # A description full of brackets is text, not nesting.
    text = json.dumps(open311_body(description="[" * 1000 + "括号"))
    assert raw_post(api, OPEN311, text).status_code == 201


# --- text PostgreSQL refuses, and text that is not text -----------------------------------


def test_a_lone_surrogate_is_refused_with_its_field(api, cast):
    token = raw_post(api, "/api/v1/auth/token/", '{"username": "\\ud800", "password": "x"}')
    assert "username" in assert_error_shape(token, 400, "invalid")["fields"]
    client = api_as(cast.resident)
    text = json.dumps(need_body(), ensure_ascii=False).replace("三号楼", "\\udfff")
    need = raw_post(client, "/api/v1/needs/", text)
    assert "text" in assert_error_shape(need, 400, "invalid")["fields"]
    body = json.dumps(open311_body(), ensure_ascii=False).replace("老年", "\\ud800")
    error = assert_georeport_error(raw_post(api, OPEN311, body), 400, "invalid")
    assert error["fields"].keys() == {"description"}
    assert error["description"].startswith("description: ")
    assert not Need.objects.exists()


def test_nul_in_a_key_or_a_nested_value_is_refused(cast):
    client = api_as(cast.resident)
    keyed = raw_post(client, "/api/v1/needs/", '{"ti\\u0000tle": "x"}')
    assert "ti\x00tle" in assert_error_shape(keyed, 400, "invalid")["fields"]
    nested = raw_post(client, "/api/v1/needs/", '{"title": ["a", "\\u0000"]}')
    assert "title.1" in assert_error_shape(nested, 400, "invalid")["fields"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", 123),
        ("description", ["老人"]),
        ("phone", 13800138000),
        ("attribute[community]", 110114011001),
        ("service_code", {"code": "elderly_meals"}),
        ("lat", "north"),
        ("long", 999),
    ],
)
def test_open311_refuses_wrong_types_with_the_field(api, cast, field, value):
    response = api.post(OPEN311, open311_body(**{field: value}), format="json")
    error = assert_georeport_error(response, 400, "invalid")
    assert field in error["fields"], error
    assert not Need.objects.exists()


def test_open311_json_takes_the_nested_community_attribute(api, cast):
    data = open311_body(lat=40.0712345678, long="116.33")
    del data["attribute[community]"]
    data["attribute"] = {"community": COMMUNITY_A1}
    response = api.post(OPEN311, data, format="json")
    assert response.status_code == 201, response.json()
    need = Need.objects.get()
    assert str(need.lat) == "40.071235" and need.community.code == COMMUNITY_A1


# --- sizes --------------------------------------------------------------------------------


def test_open311_description_is_bounded_like_the_need(api, cast):
    error = assert_georeport_error(
        api.post(OPEN311, open311_body(description="长" * 2001), format="multipart"),
        400,
        "invalid",
    )
    assert list(error["fields"]) == ["description"] and "2000" in error["description"]
    for field, limit in [("address_string", 200), ("first_name", 30), ("phone", 20)]:
        error = assert_georeport_error(
            api.post(OPEN311, open311_body(**{field: "1" * (limit + 1)}), format="json"),
            400,
            "invalid",
        )
        assert field in error["fields"]
    assert api.post(OPEN311, open311_body(description="长" * 2000)).status_code == 201


def test_a_5mb_anonymous_body_is_413_not_stored(api, cast):
    big = open311_body(description="长" * (5 * 1024 * 1024 // 3))
    assert_georeport_error(api.post(OPEN311, big, format="json"), 413, "too_large")
    assert_georeport_error(api.post(OPEN311, big, format="multipart"), 413, "too_large")
    assert not Need.objects.exists()


def test_an_oversized_json_body_is_413_on_the_api(cast):
    client = api_as(cast.resident)
    data = need_body(text="长" * (3 * 1024 * 1024))
    body = assert_error_shape(client.post("/api/v1/needs/", data, format="json"), 413, "too_large")
    assert "MB" in body["detail"]


def test_an_upload_past_the_body_cap_is_413(cast, settings):
    settings.API_MAX_UPLOAD_BODY_SIZE = 64 * 1024
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff" + b"0" * 100_000, "image/jpeg")
    response = api_as(cast.resident).post(
        "/api/v1/needs/", {**need_body(), "photos": [photo]}, format="multipart"
    )
    assert_error_shape(response, 413, "too_large")
    assert not Need.objects.exists()


def test_too_many_form_fields_is_a_400(cast):
    data = {**need_body(), **{f"x{i}": "1" for i in range(1001)}}
    response = api_as(cast.resident).post("/api/v1/needs/", data, format="multipart")
    assert_error_shape(response, 400, "parse_error")
    form = "&".join(f"x{i}=1" for i in range(1001))
    urlencoded = raw_post(
        api_as(cast.resident), "/api/v1/needs/", form, "application/x-www-form-urlencoded"
    )
    assert_error_shape(urlencoded, 400, "parse_error")


def test_the_limits_are_set():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 20


# --- throttling -------------------------------------------------------------------------


def test_anonymous_open311_creation_is_throttled(api, cast, monkeypatch):
    monkeypatch.setattr(WriteThrottle, "rate", "3/min", raising=False)
    for _ in range(3):
        assert api.post(OPEN311, open311_body()).status_code == 201
    response = api.post(OPEN311, open311_body())
    assert_georeport_error(response, 429, "throttled")
    assert response.headers.get("Retry-After")
    assert Need.objects.count() == 3
    # Reading is not writing: the list still answers.
    assert api.get(OPEN311).status_code == 200


# --- ids that are not ids, on every detail route ------------------------------------------


def detail_operations():
    """(method, path, documented?) for every detail route: its own methods, GET and POST."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        if "{" not in path:
            continue
        documented = [m for m in item if m in ("get", "post", "put", "patch", "delete")]
        for method in dict.fromkeys([*documented, "get", "post"]):
            yield method, path, method in documented


@pytest.mark.parametrize("bad_id", ["abc", "1.5", "9" * 30, "-1"])
def test_non_numeric_ids_on_every_detail_route_never_500(cast, bad_id):
    client = api_as(cast.district)
    walked = []
    for method, path, documented in detail_operations():
        url = re.sub(r"\{[^}]+\}", bad_id, path)
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code < 500, (method, url, response.content[:300])
        if not documented:
            assert response.status_code in (404, 405), (method, url, response.content[:300])
        elif path.startswith("/open311/"):
            assert_georeport_error(response, 404, "not_found")
        else:
            assert_error_shape(response, 404, "not_found")
        walked.append((method, path))
    assert len(walked) > 40
    assert {
        ("post", "/api/v1/needs/{id}/accept/"),
        ("get", "/api/v1/topics/{id}/candidates/"),
    } <= set(walked)


# --- hostile query parameters on every list and detail ---------------------------------

HOSTILE_QUERY_VALUES = ["a\x00b", "9" * 30, "abc", "长" * 3000]


def test_hostile_query_parameters_never_500(cast):
    """Every GET in the schema, every documented query parameter (and the ones views read
    by hand), with NUL, huge numbers and non-numbers: 4xx or 200, never 5xx; NUL is a
    400 naming the parameter."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    client = api_as(cast.district)
    by_hand = ["organization", "area", "category", "street", "list", "free", "state", "level"]
    tried = 0
    for path, item in schema["paths"].items():
        if "get" not in item:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path)
        documented = [p["name"] for p in item["get"].get("parameters", []) if p["in"] == "query"]
        for name in dict.fromkeys(documented + by_hand):
            for value in HOSTILE_QUERY_VALUES:
                response = client.get(url, {name: value})
                assert response.status_code < 500, (url, name, value[:10], response.content[:300])
                if "\x00" in value and response.status_code == 400:
                    body = response.json()
                    fields = body[0]["fields"] if isinstance(body, list) else body["fields"]
                    assert name in fields, (url, name, body)
                tried += 1
    assert tried > 300
    # Viewsets that read parameters by hand (needs' state, offers' area and category)
    # get the kernel's refusal before their filter reaches PostgreSQL.
    for url, name in [
        ("/api/v1/needs/", "state"),
        ("/api/v1/offers/", "area"),
        ("/api/v1/offers/", "category"),
    ]:
        body = assert_error_shape(client.get(url, {name: "a\x00b"}), 400, "invalid")
        assert list(body["fields"]) == [name]
