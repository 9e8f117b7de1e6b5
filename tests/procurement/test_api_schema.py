"""The API documents what it takes, and every procurement action answers ids that are not
ids with 404 in the one error shape."""

import re

import pytest
from django.test import Client

from procurement.api_urls import router
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

NEED_ACTIONS = {
    "accept": "AcceptNeedIn",
    "reject": "RejectNeedIn",
    "assign": "AssignNeedIn",
    "start": "StartServiceIn",
    "resolve": "ResolveNeedIn",
    "close-unresolved": "CloseUnresolvedIn",
    "rate": "RateNeedIn",
    "reopen": "ReopenNeedIn",
}
APP_CREATES = [
    "/api/v1/needs/",
    "/api/v1/offers/",
    "/api/v1/whistle-calls/",
    "/api/v1/whistle-calls/{id}/respond/",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _body_ref(operation) -> str:
    return operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]


def test_each_need_action_documents_its_own_body(schema):
    refs = {}
    for name, component in NEED_ACTIONS.items():
        operation = schema["paths"][f"/api/v1/needs/{{id}}/{name}/"]["post"]
        refs[name] = _body_ref(operation)
        assert refs[name] == f"#/components/schemas/{component}Request", name
        # The answer is the need after the step, not the body echoed back.
        ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ok == "#/components/schemas/NeedOut"
    assert len(set(refs.values())) == len(NEED_ACTIONS)
    components = schema["components"]["schemas"]
    assert set(components["RejectNeedInRequest"]["required"]) == {"reason"}
    assert "satisfaction" in components["RateNeedInRequest"]["properties"]
    assert set(components["AssignNeedInRequest"]["properties"]) == {"area", "organization", "note"}
    assert "title" not in components["AcceptNeedInRequest"]["properties"]


def test_topic_offer_and_whistle_actions_document_their_bodies(schema):
    expected = {
        "/api/v1/topics/{id}/merge/": "MergeTopicsIn",
        "/api/v1/topics/{id}/split/": "SplitTopicIn",
        "/api/v1/topics/{id}/promote/": "PromoteTopicIn",
        "/api/v1/topics/{id}/confirm-match/": "ConfirmMatchIn",
        "/api/v1/offers/": "OfferIn",
        "/api/v1/whistle-calls/": "WhistleCallIn",
        "/api/v1/whistle-calls/{id}/respond/": "RespondToCallIn",
        "/api/v1/whistle-calls/{id}/select/": "SelectRespondersIn",
    }
    for path, component in expected.items():
        ref = _body_ref(schema["paths"][path]["post"])
        assert ref == f"#/components/schemas/{component}Request", path


def test_app_facing_creates_document_the_idempotency_key(schema):
    for path in APP_CREATES:
        params = schema["paths"][path]["post"].get("parameters", [])
        headers = [p for p in params if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        assert len(headers) == 1, path
        assert not headers[0].get("required", False)
    # Steps are not creates: they carry no key.
    params = schema["paths"]["/api/v1/needs/{id}/accept/"]["post"].get("parameters", [])
    assert not [p for p in params if p["in"] == "header"]


def _detail_routes():
    """(method, url) of every procurement route that takes an id, with `abc` as the id."""
    out = []
    for pattern in router.urls:
        regex = pattern.pattern.regex.pattern
        if "(?P<pk>" not in regex or "\\.(?P<format>" in regex:
            continue
        path = re.sub(r"\(\?P<pk>[^)]*\)", "abc", regex).lstrip("^").rstrip("$")
        for method in pattern.callback.actions:
            out.append((method, f"/api/v1/{path}"))
    return sorted(set(out))


DETAIL_ROUTES = _detail_routes()


def test_every_detail_route_is_covered():
    actions = {url.rsplit("/abc/", 1)[1] for _m, url in DETAIL_ROUTES}
    assert {"accept/", "reopen/", "candidates/", "withdraw/", "select/", "publish/"} <= actions
    assert len(DETAIL_ROUTES) >= 20


@pytest.mark.parametrize(("method", "url"), DETAIL_ROUTES)
def test_non_numeric_id_is_404_in_the_one_error_shape(cast, method, url):
    response = getattr(api_as(cast.district), method)(url, {}, format="json")
    assert response.status_code == 404, (url, response.content[:300])
    assert set(response.json()) == {"code", "detail", "fields"}
