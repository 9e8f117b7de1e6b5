"""What the kernel's AutoSchema (huitian/api/schema.py) documents on every operation:
the Idempotency-Key header exactly where `@idempotent` applies, the one error shape for
the statuses an operation can answer, and page_size with its maximum."""

import pytest
from django.conf import settings
from drf_spectacular.generators import SchemaGenerator

from huitian.api.idempotency import HEADER, is_idempotent

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def generated(django_db_blocker):
    with django_db_blocker.unblock():
        generator = SchemaGenerator()
        schema = generator.get_schema(request=None, public=True)
        endpoints = generator._get_paths_and_endpoints()
    return schema, endpoints


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _handler(view, method):
    """The method that answers: the viewset action routed for `method`, or get/post…"""
    actions = getattr(view, "action_map", None) or {}
    return getattr(view, actions.get(method.lower(), method.lower()), None)


def _documents_the_header(operation) -> bool:
    headers = [
        p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == HEADER
    ]
    assert len(headers) <= 1
    return bool(headers)


def test_the_header_is_documented_exactly_on_idempotent_operations(generated):
    schema, endpoints = generated
    prefix = settings.SPECTACULAR_SETTINGS.get("SCHEMA_PATH_PREFIX", "")
    seen, wrapped = 0, []
    for path, _regex, method, view in endpoints:
        documented_path = path if path in schema["paths"] else None
        if documented_path is None:
            continue
        operation = schema["paths"][documented_path].get(method.lower())
        if operation is None:
            continue
        seen += 1
        marked = is_idempotent(_handler(view, method))
        assert _documents_the_header(operation) == marked, (method, path)
        if marked:
            wrapped.append((method, path))
    assert seen > 80 and prefix
    # Every app-facing create carries it, custom create actions too.
    assert ("POST", "/api/v1/needs/") in wrapped
    assert ("POST", "/api/v1/registrations/{id}/documents/") in wrapped
    assert ("POST", "/api/v1/whistle-calls/{id}/respond/") in wrapped
    assert len(wrapped) >= 12
    header = next(
        p for p in schema["paths"]["/api/v1/needs/"]["post"]["parameters"] if p["name"] == HEADER
    )
    assert not header.get("required", False) and "422" in header["description"]


def test_the_header_has_one_definition():
    import procurement.api
    import registry.api.base

    assert not hasattr(registry.api.base, "IDEMPOTENCY_HEADER")
    assert not hasattr(procurement.api, "schema")


def _error_statuses(operation) -> set[str]:
    out = set()
    for status, response in operation["responses"].items():
        if status.startswith(("4", "5")):
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") == ERROR_REF:
                out.add(status)
    return out


def test_every_api_error_status_documents_the_one_shape(generated):
    schema, _endpoints = generated
    for path, method, operation in _operations(schema):
        if not path.startswith("/api/"):
            continue
        for status, response in operation["responses"].items():
            if status.startswith("4"):
                ref = response["content"]["application/json"]["schema"].get("$ref")
                assert ref == ERROR_REF, (method, path, status)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "detail", "fields"}


@pytest.mark.parametrize(
    ("method", "path", "expected", "absent"),
    [
        # a workflow step on a detail route, with a body
        ("post", "/api/v1/needs/{id}/reject/", {"400", "401", "403", "404", "409"}, set()),
        # an app-facing create: idempotency adds 422 (409 while the first still runs)
        ("post", "/api/v1/needs/", {"400", "401", "403", "409", "422", "429"}, {"404"}),
        # a public, paginated list: no 403, a page past the end is 404, anonymous throttled
        ("get", "/api/v1/areas/", {"400", "404", "429"}, {"403", "409"}),
        # a staff-only read with no input: no 400
        ("get", "/api/v1/whistle-calls/response-times/", {"401", "403"}, {"400", "404"}),
        # a detail read
        ("get", "/api/v1/registrations/{id}/", {"401", "403", "404"}, {"409", "429"}),
        # signing in: wrong password is 401, nothing there is a workflow
        ("post", "/api/v1/auth/token/", {"400", "401", "429"}, {"403", "409"}),
        # a step that takes no body: no 400
        ("post", "/api/v1/registrations/{id}/submit/", {"404", "409"}, {"400"}),
    ],
)
def test_statuses_follow_what_the_operation_can_answer(generated, method, path, expected, absent):
    operation = generated[0]["paths"][path][method]
    documented = _error_statuses(operation)
    assert expected <= documented, (method, path, documented)
    assert not (absent & documented), (method, path, documented)


def test_every_operation_documents_some_error(generated):
    schema, _endpoints = generated
    bare = [
        (method, path)
        for path, method, operation in _operations(schema)
        if path.startswith("/api/") and not _error_statuses(operation)
    ]
    assert bare == []


def test_page_size_is_documented_with_its_maximum(generated):
    schema, _endpoints = generated
    lists = 0
    for _path, _method, operation in _operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "page_size":
                lists += 1
                assert parameter["schema"]["maximum"] == settings.API_MAX_PAGE_SIZE
                assert parameter["schema"]["minimum"] == 1
                assert str(settings.API_MAX_PAGE_SIZE) in parameter["description"]
    assert lists > 10


def test_documented_queue_rates_and_response_times_shapes(generated):
    paths = generated[0]["paths"]

    def ok(path):
        return paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    assert ok("/api/v1/needs/queue/") == {"$ref": "#/components/schemas/PaginatedNeedOutList"}
    assert ok("/api/v1/needs/rates/") == {"$ref": "#/components/schemas/RatesOut"}
    assert ok("/api/v1/whistle-calls/response-times/")["type"] == "array"
    state = next(
        p
        for p in paths["/api/v1/registrations/queue/"]["get"]["parameters"]
        if p["name"] == "state"
    )
    assert "approved" not in state["schema"]["enum"] and "accepted" in state["schema"]["enum"]
