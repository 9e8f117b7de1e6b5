"""The registry's shared conventions: enumerated error codes, workflow steps built from
the state enums, and the API schema documenting each create's real body and the
Idempotency-Key header."""

import ast
from pathlib import Path

import pytest

import registry
from registry import models
from registry.error_codes import ErrorCode

REGISTRY = Path(registry.__file__).parent


def _calls(name):
    for path in REGISTRY.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
                yield path, node


@pytest.mark.parametrize("error", ["WorkflowError", "Forbidden"])
def test_every_refusal_code_is_an_enum_member_not_a_string(error):
    literals = [
        f"{path.name}:{node.lineno}"
        for path, node in _calls(error)
        for arg in [*node.args[:1], *(k.value for k in node.keywords if k.arg == "code")]
        if isinstance(arg, ast.Constant)
    ]
    assert literals == []


def test_the_drifted_spelling_is_gone():
    assert ErrorCode.ORGANIZATION_INACTIVE == "organization_inactive"
    assert "organization_not_active" not in {c.value for c in ErrorCode}


@pytest.mark.parametrize(
    ("model", "flow"),
    [
        (models.Organization, "STATUS_FLOW"),
        (models.RegistrationApplication, "FLOW"),
        (models.Filing, "FLOW"),
        (models.Certification, "FLOW"),
        (models.Deregistration, "FLOW"),
    ],
)
def test_workflow_steps_name_states_from_the_enums(model, flow):
    workflow = getattr(model, flow)
    states = model.Status if flow == "STATUS_FLOW" else model.State
    for step in workflow.steps:
        assert all(isinstance(s, states) for s in step.source), step.name
        assert isinstance(step.target, states), step.name


CREATES = [
    "/api/v1/registrations/",
    "/api/v1/filings/",
    "/api/v1/annual-reports/",
    "/api/v1/certifications/",
    "/api/v1/interviews/",
    "/api/v1/deregistrations/",
    "/api/v1/agency-records/",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("path", CREATES)
def test_every_create_documents_the_idempotency_key(schema, path):
    post = schema["paths"][path]["post"]
    headers = {p["name"] for p in post.get("parameters", []) if p["in"] == "header"}
    assert "Idempotency-Key" in headers


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("/api/v1/annual-reports/", "AnnualReportInputRequest"),
        ("/api/v1/interviews/", "InterviewInputRequest"),
        ("/api/v1/deregistrations/", "DeregistrationInputRequest"),
        ("/api/v1/agency-records/", "AgencyRecordInputRequest"),
    ],
)
def test_creates_document_their_input_body_not_the_output(schema, path, component):
    content = schema["paths"][path]["post"]["requestBody"]["content"]
    refs = {c["schema"]["$ref"].rsplit("/", 1)[1] for c in content.values()}
    assert refs == {component}


def test_procurement_reads_the_registry_only_through_its_selectors():
    """procurement's API, serializers and selectors import `registry.selectors` and nothing
    else of the registry (its models may keep foreign keys to Organization)."""
    root = REGISTRY.parent / "procurement"
    files = [root / "selectors", root / "api", root / "serializers"]
    offenders = []
    for folder in files:
        for path in sorted(folder.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    if name.split(".")[0] == "registry" and name != "registry.selectors":
                        offenders.append((path.relative_to(root.parent).as_posix(), name))
    assert offenders == []
    assert (root / "selectors" / "matching.py").read_text().count("registry.selectors") == 1
