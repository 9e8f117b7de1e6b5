"""The OCDS 1.1 export (issue 9, item 7): validates against the official schemas."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from rest_framework.test import APIClient

from procurement import ocds
from procurement.models import PurchaseProject
from procurement.services import evaluation as svc
from tests.procurement.purchases import evaluate, in_service, period_of, surveys
from tests.queries import assert_pinned

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "ocds"
URL = "/api/v1/purchases/ocds/"


def validator() -> jsonschema.Draft4Validator:
    package, single = ocds.schemas()
    registry = Registry().with_resource(
        ocds.RELEASE_SCHEMA_URL, Resource.from_contents(single, default_specification=DRAFT4)
    )
    return jsonschema.Draft4Validator(
        package, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def assert_valid(package: dict) -> None:
    errors = sorted(validator().iter_errors(package), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def paid_and_evaluated(cast, **kwargs):
    contract = in_service(cast, **kwargs)
    period = period_of(contract)
    surveys(period, cast.street_a)
    evaluate(period, cast.street_a)
    svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    return contract


def unpublished(contract, state):
    """Another project of the same budget in an early (or refused) state."""
    project = contract.project
    return PurchaseProject.objects.create(
        title=f"{state}的项目",
        area=project.area,
        purchaser_name=project.purchaser_name,
        budget_amount="1000",
        budget=project.budget,
        service_standard="标准",
        quantity=1,
        unit="次",
        duration_months=1,
        state=state,
    )


def test_the_vendored_schemas_are_the_official_copies():
    if not SHARED.exists():
        pytest.skip(
            "../shared/data/ocds is not beside this checkout, so there is no official copy "
            "to compare the vendored schemas with (the export is still validated against them)"
        )
    for name in ("release-package-schema.json", "release-schema.json"):
        assert (ocds.SCHEMA_DIR / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_the_export_validates_and_carries_the_whole_lifecycle(cast, settings):
    settings.OCDS_OCID_PREFIX = "ocds-testpfx"
    contract = paid_and_evaluated(cast)
    open_one = unpublished(contract, "open")
    open_one.opened_at = timezone.now()
    open_one.save()
    for state in ("draft", "pre_review", "rejected"):
        unpublished(contract, state)
    package = ocds.release_package(ocds.public_projects(), uri="https://example.cn" + URL)
    assert_valid(package)
    by_ocid = {r["ocid"]: r for r in package["releases"]}
    assert set(by_ocid) == {f"ocds-testpfx-{contract.project_id}", f"ocds-testpfx-{open_one.pk}"}
    full = by_ocid[f"ocds-testpfx-{contract.project_id}"]
    assert full["tag"] == ["planning", "tender", "award", "contract", "implementation"]
    assert full["planning"]["budget"]["amount"] == {"amount": 100000.0, "currency": "CNY"}
    assert full["awards"][0]["suppliers"][0]["name"] == contract.organization.name
    deal = full["contracts"][0]
    assert deal["id"] == contract.number and deal["status"] == "active"
    paid = [t["value"]["amount"] for t in deal["implementation"]["transactions"]]
    assert paid == [30000.0, 40000.0, 30000.0]
    assessment = deal["implementation"]["milestones"][0]
    assert assessment["type"] == "assessment" and assessment["status"] == "met"
    assert "93.43" in assessment["description"]
    assert by_ocid[f"ocds-testpfx-{open_one.pk}"]["tender"]["status"] == "active"


def test_no_personal_data_and_no_bank_details(cast):
    contract = paid_and_evaluated(cast)
    text = json.dumps(ocds.release_package(ocds.public_projects(), uri="https://x.cn/"))
    for secret in (
        cast.street_a.username,
        cast.evaluator.username,
        contract.organization.contact_phone,
        "bank",
        "account",
        "contactPoint",
    ):
        assert secret not in text, secret


def test_the_api_serves_the_package_to_anyone_with_pinned_queries(cast):
    paid_and_evaluated(cast)
    client = APIClient()
    response = client.get(URL)
    assert response.status_code == 200
    package = response.json()
    assert_valid(package)
    assert package["uri"].endswith(URL) and package["version"] == "1.1"
    assert_pinned(lambda: client.get(URL), lambda: paid_and_evaluated(cast, title="第二个项目"))
    assert len(client.get(URL).json()["releases"]) == 2
    assert client.post(URL, {}).status_code in (403, 405)


def test_the_api_schema_documents_the_export(cast):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/purchases/ocds/" in schema["paths"]
