"""Read-only roles (auditor, evaluator) write nothing through any API door (issue 7, item 15).

The list of doors is not written by hand: it is every POST/PUT/PATCH/DELETE operation
in the OpenAPI schema, so a new endpoint is covered the day it appears.
"""

import functools
import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from huitian import services
from huitian.access import forget_grants
from huitian.models import Role
from procurement.models import Need
from registry.models import Filing, RegistrationApplication
from tests.conftest import COMMUNITY_A1, api_as
from tests.procurement.test_intake import body as need_body
from tests.registry.test_registration import payload as registration_payload

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
# Doors that take no identity: a token is how a read-only user signs in at all.
SIGN_IN = {
    "/api/v1/auth/token/",
    "/api/v1/auth/token/refresh/",
    # Residents' sign-up and sign-in by SMS code: no identity either (huitian/signup.py).
    "/api/v1/auth/sms-code/",
    "/api/v1/auth/signup/",
    "/api/v1/auth/sms-token/",
}


@functools.cache
def write_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    ops = []
    for path, item in schema["paths"].items():
        if path in SIGN_IN:
            continue
        for method in item:
            if method in WRITE_METHODS:
                ops.append((method, path))
    return sorted(ops)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def view_opts_in(method: str, path: str) -> bool:
    """The view says read-only roles may take this action (their own personal state)."""
    from django.urls import resolve

    match = resolve(concrete(path))
    view_class = getattr(match.func, "cls", None)
    actions = getattr(match.func, "actions", None) or {}
    action = actions.get(method)
    return action in getattr(view_class, "read_only_roles_may", ())


def test_the_schema_lists_the_write_doors():
    ops = write_operations()
    assert ("post", "/api/v1/needs/") in ops
    assert ("post", "/api/v1/filings/") in ops
    assert ("post", "/api/v1/registrations/") in ops
    assert ("patch", "/api/v1/registrations/{id}/") in ops
    assert ("post", "/open311/v2/requests.json") in ops
    assert len(ops) > 40


@pytest.mark.parametrize("role", ["auditor", "evaluator"])
def test_read_only_roles_are_refused_every_write(cast, role):
    user = getattr(cast, role)
    client = api_as(user)
    refused, let_through = [], []
    for method, path in write_operations():
        if view_opts_in(method, path):
            continue
        response = getattr(client, method)(concrete(path), {}, format="json")
        body = response.json()
        if path.startswith("/open311/"):  # GeoReport: a list with one error
            ok = response.status_code == 403 and body[0]["error"] == "read_only_role"
            ok = ok and body[0]["code"] == 403 and body[0]["description"]
        else:
            ok = (
                response.status_code == 403
                and set(body) == {"code", "detail", "fields"}
                and body["code"] == "read_only_role"
                and body["detail"]
            )
        (refused if ok else let_through).append((method, path, response.status_code))
    assert let_through == [], let_through
    assert len(refused) > 40


@pytest.mark.parametrize("role", ["auditor", "evaluator"])
def test_valid_submissions_by_read_only_roles_create_nothing(cast, role):
    client = api_as(getattr(cast, role))
    filing = {
        "name": "龙博苑合唱团",
        "community": cast.area(COMMUNITY_A1).pk,
        "categories": ["singing"],
        "leader_name": "孙丽",
        "contact_phone": "13622223333",
        "member_count": 12,
        "activities": "每周二排练",
    }
    for url, data in [
        ("/api/v1/needs/", need_body()),
        ("/api/v1/filings/", filing),
        ("/api/v1/registrations/", registration_payload(cast)),
    ]:
        response = client.post(url, data, format="json")
        assert response.status_code == 403, (url, response.json())
        assert response.json()["code"] == "read_only_role"
        assert "只读" in response.json()["detail"]
    assert not Need.objects.exists()
    assert not Filing.objects.exists()
    assert not RegistrationApplication.objects.exists()


def test_read_only_roles_still_read(cast):
    for user in (cast.auditor, cast.evaluator):
        assert api_as(user).get("/api/v1/needs/").status_code == 200
        assert api_as(user).get("/api/v1/registrations/").status_code == 200


def test_a_read_only_role_beside_a_writing_role_writes_in_that_capacity(cast):
    """An auditor who is also a resident may submit their own need (and only as resident)."""
    services.assign_role(user=cast.auditor, role=Role.RESIDENT, area=cast.area(COMMUNITY_A1))
    forget_grants(cast.auditor)
    response = api_as(cast.auditor).post("/api/v1/needs/", need_body(), format="json")
    assert response.status_code == 201, response.json()
    assert Need.objects.get().submitter == cast.auditor
    # …but the staff steps stay out of reach: auditing gives no writing rights.
    need_id = response.json()["id"]
    refused = api_as(cast.auditor).post(f"/api/v1/needs/{need_id}/accept/", {}, format="json")
    assert refused.status_code in (403, 404), refused.json()


def test_open311_refuses_a_read_only_token_but_takes_anonymous_residents(cast, api):
    data = {
        "service_code": "elderly_meals",
        "attribute[community]": COMMUNITY_A1,
        "description": "老年餐桌午饭不够吃",
    }
    refused = api_as(cast.auditor).post("/open311/v2/requests.json", data, format="json")
    assert refused.status_code == 403
    assert refused.json()[0]["error"] == "read_only_role"
    assert not Need.objects.exists()
    assert api.post("/open311/v2/requests.json", data, format="json").status_code == 201


def test_who_counts_as_read_only(cast):
    from huitian.api.permissions import holds_only_read_only_roles

    assert holds_only_read_only_roles(cast.auditor)
    assert holds_only_read_only_roles(cast.evaluator)
    assert not holds_only_read_only_roles(cast.district)
    assert not holds_only_read_only_roles(cast.resident)
    # No role at all: other rules (the services') decide, not this one.
    assert not holds_only_read_only_roles(cast.nobody)
    cast.auditor.is_superuser = True
    assert not holds_only_read_only_roles(cast.auditor)


def test_evaluator_who_is_also_an_organization_member_may_act_for_the_organization(cast):
    """The offers viewset declares its own permissions; the kernel guard still applies,
    and still lets a mixed-role user act in their writing capacity."""
    from tests.procurement.factories import OrganizationFactory
    from tests.procurement.test_offers_matching import offer_body

    org = OrganizationFactory()
    refused = api_as(cast.evaluator).post("/api/v1/offers/", offer_body(org), format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "read_only_role"
    services.assign_role(user=cast.evaluator, role=Role.ORG_MEMBER, organization=org)
    forget_grants(cast.evaluator)
    taken = api_as(cast.evaluator).post("/api/v1/offers/", offer_body(org), format="json")
    assert taken.status_code == 201, taken.json()
