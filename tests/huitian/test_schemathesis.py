"""Schemathesis over the whole OpenAPI schema, as a district administrator (issue 7, item 9).

Every operation gets schema-valid and schema-violating cases (hypothesis, derandomized:
the same cases every run, so a failure reproduces) sent through the WSGI app with a
staff token. Every answer must be below 500 and match the documented response schema
(status, content type and body) of its operation.
Bounded: a few examples per operation and a per-example deadline; about a minute in all.

Run alone: `pytest -m schemathesis`; it is part of `make test`.
"""

import contextlib
import datetime
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from werkzeug.test import Client as WerkzeugClient

from huitian.api.throttling import AnonBurstThrottle, LoginThrottle, WriteThrottle
from huitian.tokens import PasswordBoundRefreshToken

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]

EXAMPLES = {GenerationMode.POSITIVE: 4, GenerationMode.NEGATIVE: 3}
DEADLINE_MS = 5000  # per example; generous for a loaded 2-core CI machine
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def wsgi_in_test_transaction(monkeypatch):
    """Requests through the WSGI app share the test's connection (as Django's test client
    arranges): the handler must not close it at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # The fuzzer sends hundreds of requests a minute; throttles have their own tests.
    for throttle in (AnonBurstThrottle, WriteThrottle, LoginThrottle):
        monkeypatch.setattr(throttle, "rate", "100000/min", raising=False)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def load_schema(app):
    generated = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = app
    return schema


@pytest.fixture
def records(cast):
    """One record of each kind the administrator sees, so lists answer with rows (each
    row is checked against the schema) and detail reads have something to read."""
    from huitian.models import Area, Role
    from huitian.services import notify
    from procurement.models import Need
    from procurement.services.lists import compile_needs_list
    from procurement.services.topics import group_pending_needs
    from procurement.services.whistle import raise_whistle_call
    from registry.services.exit import open_deregistration
    from registry.services.inspection import hold_interview, submit_annual_report
    from tests.conftest import make_user
    from tests.procurement.factories import NeedFactory, OfferFactory, category, community
    from tests.registry.factories import FilingFactory, OrganizationFactory, RegistrationFactory

    offer = OfferFactory()
    notify(recipients=[cast.district], kind="test", title="新的需求")
    need = NeedFactory(submitter=cast.resident)
    group_pending_needs()  # the need gets its topic
    call = raise_whistle_call(
        by=cast.district,
        community=community(),
        category=category(),
        problem="雨后小区积水",
        urgency=1,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    member = make_user("schemathesis-member", Role.ORG_MEMBER, organization=offer.organization)
    report = submit_annual_report(
        organization_id=offer.organization_id, year=2025, by=member, summary="年度工作"
    )
    interview = hold_interview(
        organization_id=offer.organization_id,
        by=cast.district,
        reason="other",
        held_on=datetime.date(2026, 4, 1),
    )
    dissolving = OrganizationFactory()
    deregistration = open_deregistration(
        organization_id=dissolving.pk, by=cast.district, kind="dissolution", reason="理事会决议解散"
    )
    today = timezone.localdate()
    compile_needs_list(period_start=today - datetime.timedelta(days=30), period_end=today)
    from procurement.services import foundation, funds

    special = funds.special_fund()
    funds.fund_source(source_id=special.pk, amount="1000", by=cast.district)
    budget = funds.allocate_budget(
        source_id=special.pk, area=community(), year=2026, amount="500", by=cast.district
    )
    funds.commit_budget(budget_id=budget.pk, amount="100", purpose="services", by=cast.district)
    fund = foundation.open_foundation_fund(community=community(), by=cast.district)
    donation = foundation.record_donation(
        fund_id=fund.pk, donor_kind="company", donor_name="某公司", amount="300", by=cast.district
    )
    disbursement = foundation.request_disbursement(
        fund_id=fund.pk, amount="10", purpose="助老", beneficiary="驿站", by=cast.district
    )
    from volunteers import services as vol

    project = vol.submit_project(
        by=member,
        organization=offer.organization,
        title="邻里守望",
        summary="楼门长带动邻里互助",
        themes=vol.ensure_themes(["邻里互助"]),
    )
    vol.review_project(project_id=project.pk, by=cast.district, step="accept")
    starts = timezone.now() + datetime.timedelta(days=3)
    course = vol.publish_course(
        by=cast.district,
        topic="社区治理实务",
        teacher="王老师",
        audience="community_worker",
        place="回天社会创新学院",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=30,
        credit_hours="2",
        area=Area.objects.get(level="district"),
    )
    from credit import services as credit_services

    honour = credit_services.nominate(
        by=cast.district,
        year=today.year,
        kind="excellent_org",
        organization_id=offer.organization_id,
        grounds="服务突出",
    )
    credit_services.decide_nomination(by=cast.district, nomination_id=honour.pk, select=True)
    from procurement.services.contracts import submit_milestone_report
    from tests.procurement import factories as purchases

    street = Area.objects.get(code="110114011")
    contractor = OrganizationFactory()
    contractor_member = purchases.member_of(contractor)
    contract = purchases.contract_in_service(
        cast.street_a,
        street,
        purchases.funded_budget(cast.district, street, amount="400000"),
        cast.evaluator,
        contractor,
        contractor_member,
    )
    installment = contract.periods.get().installments.first()
    milestone = submit_milestone_report(installment, by=contractor_member, text="阶段完成")
    from tests.huitian.test_admin_matrix import supervision_records

    visit, action, _survey, evaluation, check, _item = supervision_records(cast)
    return {
        "/api/v1/practice-projects/{id}/": project.pk,
        "/api/v1/courses/{id}/": course.pk,
        "/api/v1/credit/honours/{id}/": honour.pk,
        "/api/v1/purchases/projects/{id}/": contract.project_id,
        "/api/v1/purchases/applications/{id}/": contract.application_id,
        "/api/v1/purchases/contracts/{id}/": contract.pk,
        "/api/v1/purchases/installments/{id}/": installment.pk,
        "/api/v1/purchases/milestone-reports/{id}/": milestone.pk,
        "/api/v1/purchases/supervision-visits/{id}/": visit.pk,
        "/api/v1/purchases/corrective-actions/{id}/": action.pk,
        "/api/v1/purchases/evaluations/{id}/": evaluation.pk,
        "/api/v1/purchases/evaluation-years/{id}/": evaluation.period_id,
        "/api/v1/purchases/evaluation-years/{id}/problems/": evaluation.period_id,
        "/api/v1/purchases/spot-checks/{id}/": check.pk,
        "/api/v1/funds/budgets/{id}/": budget.pk,
        "/api/v1/foundation/funds/{id}/": fund.pk,
        "/api/v1/foundation/public/{id}/": fund.pk,
        "/api/v1/foundation/donations/{id}/": donation.pk,
        "/api/v1/foundation/disbursements/{id}/": disbursement.pk,
        "/api/v1/deregistrations/{id}/": deregistration.pk,
        "/api/v1/areas/{id}/": Area.objects.get(code="110114011001").pk,
        "/api/v1/needs/{id}/": need.pk,
        "/api/v1/topics/{id}/": Need.objects.get(pk=need.pk).topic_id,
        "/api/v1/topics/{id}/candidates/": Need.objects.get(pk=need.pk).topic_id,
        "/api/v1/whistle-calls/{id}/": call.pk,
        "/api/v1/annual-reports/{id}/": report.pk,
        "/api/v1/interviews/{id}/": interview.pk,
        "/api/v1/offers/{id}/": offer.pk,
        "/api/v1/organizations/{id}/": offer.organization_id,
        "/api/v1/registrations/{id}/": RegistrationFactory(applicant=cast.resident).pk,
        "/api/v1/filings/{id}/": FilingFactory(applicant=cast.resident).pk,
    }


def read_records(schema, records, headers, failures) -> int:
    """GET each seeded record through every detail read of its kind; all must match."""
    read = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        pk = records.get(operation.path)
        if operation.method.upper() != "GET" or pk is None:
            continue
        case = operation.Case(path_parameters={"id": pk})
        response = case.call(headers=headers)
        read += response.status_code == 200
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except BaseExceptionGroup as group:
            failures.append(f"GET {operation.path} (record {pk}): {group}")
    return read


def exercise(operation, mode, headers, checks, failures) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES[mode],
        deadline=DEADLINE_MS,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except BaseExceptionGroup as group:  # schemathesis' FailureGroup
            failures.append(f"{operation.method.upper()} {operation.path} ({mode.value}): {group}")

    # Unsatisfiable: no schema-violating variant exists (an operation without inputs).
    with contextlib.suppress(Unsatisfiable):
        run()


def test_every_operation_answers_as_documented(cast, records, wsgi_in_test_transaction):
    schema = load_schema(wsgi_in_test_transaction)
    token = PasswordBoundRefreshToken.for_user(cast.district).access_token
    headers = {"Authorization": f"Bearer {token}"}
    # The fuzzer must speak as the administrator: with a token the API refuses, every
    # operation would answer a documented 401 and the run would prove nothing.
    me = WerkzeugClient(wsgi_in_test_transaction).get("/api/v1/me/", headers=headers)
    assert me.status_code == 200
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for mode in EXAMPLES:
            exercise(operation, mode, headers, CHECKS, failures)
    assert len(operations) > 80
    assert read_records(schema, records, headers, failures) == len(records)
    assert failures == [], "\n\n".join(failures)
