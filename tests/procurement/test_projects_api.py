"""/api/v1/purchases/…: the life cycle from project to paid installment through the API,
each refusal a 409 with its code and reason, lists pinned, creates idempotent."""

import pytest

from procurement.models import ContractPeriod, ProjectApplication, PurchaseProject
from tests.conftest import STREET_A, api_as
from tests.procurement import factories as f
from tests.queries import assert_pinned
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/purchases/"


@pytest.fixture
def street(cast):
    return cast.areas[STREET_A]


@pytest.fixture
def budget(cast, street):
    return f.funded_budget(cast.district, street)


def project_body(budget, evaluator, **kw):
    return {
        "title": "老年餐桌助餐服务",
        "area": STREET_A,
        "purchaser_name": "回龙观街道办事处",
        "budget": budget.pk,
        "budget_amount": "300000",
        "service_standard": "每个工作日提供午餐",
        "quantity": 150,
        "unit": "户",
        "duration_months": 12,
        "years": 2,
        "evaluator": evaluator.pk,
    } | kw


def test_the_whole_life_cycle_through_the_api(cast, street, budget):
    staff = api_as(cast.street_a)
    org = OrganizationFactory(name="回龙观为老服务中心")
    member = f.member_of(org)
    org_client = api_as(member)

    r = staff.post(
        f"{URL}projects/",
        project_body(budget, cast.evaluator),
        format="json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert r.status_code == 201, r.json()
    pid = r.json()["id"]
    again = staff.post(
        f"{URL}projects/",
        project_body(budget, cast.evaluator),
        format="json",
        HTTP_IDEMPOTENCY_KEY="p-1",
    )
    assert again.json()["id"] == pid and PurchaseProject.objects.count() == 1
    assert api_as(cast.street_b).get(f"{URL}projects/{pid}/").status_code == 404
    assert api_as(cast.street_b).post(f"{URL}projects/{pid}/submit/").status_code == 404

    assert staff.post(f"{URL}projects/{pid}/submit/").json()["state"] == "pre_review"
    r = staff.post(f"{URL}projects/{pid}/pre-review/", {"decision": "pass", "opinion": "合理"})
    assert r.status_code == 403 and r.json()["code"] == "not_the_evaluator"
    r = api_as(cast.evaluator).post(
        f"{URL}projects/{pid}/pre-review/", {"decision": "pass", "opinion": "需求合理"}
    )
    assert r.status_code == 200 and r.json()["state"] == "passed"
    r = staff.post(f"{URL}projects/{pid}/open/", {"working_days": 5})
    assert r.json()["state"] == "open" and r.json()["application_deadline"]

    # Eligibility, shown to staff with the reason.
    group = f.filed_group()
    r = staff.get(f"{URL}projects/{pid}/eligibility/?organization={org.pk}")
    assert r.json() == {"organization": org.pk, "eligible": True, "problems": []}

    body = {"project": pid, "organization": org.pk, "proposal": "方案", "quoted_amount": "280000"}
    r = org_client.post(f"{URL}applications/", body, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert r.status_code == 201 and r.json()["eligibility_problems"] == []
    aid = r.json()["id"]
    r = org_client.post(f"{URL}applications/", body, format="json")
    assert r.status_code == 409 and r.json()["code"] == "already_applied"
    r = api_as(f.member_of(group)).post(
        f"{URL}applications/", body | {"organization": group.pk}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "ineligible" and r.json()["detail"]
    r = api_as(cast.federation_a).post(
        f"{URL}applications/", body | {"organization": group.pk, "joint": True}, format="json"
    )
    assert r.status_code == 201 and r.json()["is_joint"]

    r = staff.post(f"{URL}projects/{pid}/close/")
    assert r.status_code == 409 and r.json()["code"] == "deadline_not_passed"
    f.past_deadline(PurchaseProject.objects.get(pk=pid))
    assert staff.post(f"{URL}projects/{pid}/close/").json()["state"] == "under_review"
    r = staff.post(f"{URL}projects/{pid}/reviewers/", {"reviewer": cast.evaluator.pk})
    assert r.status_code == 200
    reviewer = api_as(cast.evaluator)
    scores = {"scores": {"plan": 36, "capacity": 22, "experience": 16, "price": 13}}
    r = reviewer.post(f"{URL}applications/{aid}/score/", scores, format="json")
    assert r.status_code == 409 and r.json()["code"] == "declaration_required"
    joint_id = ProjectApplication.objects.get(organization=group).pk
    reviewer.post(
        f"{URL}applications/{joint_id}/conflict/",
        {"has_conflict": True, "description": "亲属在该队"},
        format="json",
    )
    r = reviewer.post(f"{URL}applications/{joint_id}/score/", scores, format="json")
    assert r.status_code == 409 and r.json()["code"] == "conflict_of_interest"
    reviewer.post(f"{URL}applications/{aid}/conflict/", {"has_conflict": False}, format="json")
    r = reviewer.post(f"{URL}applications/{aid}/score/", scores, format="json")
    assert r.status_code == 200 and len(r.json()) == 4

    r = staff.post(f"{URL}projects/{pid}/award/", {"application": aid, "reason": "得分最高"})
    assert r.status_code == 200 and r.json()["state"] == "awarded"

    contract_body = {
        "project": pid,
        "periods": [
            {"amount": "140000", "start_date": "2026-01-01", "end_date": "2026-12-31"},
            {"amount": "140000", "start_date": "2027-01-01", "end_date": "2027-12-31"},
        ],
    }
    r = staff.post(f"{URL}contracts/", contract_body, format="json", HTTP_IDEMPOTENCY_KEY="c-1")
    assert r.status_code == 201, r.json()
    cid = r.json()["id"]
    r = org_client.post(f"{URL}contracts/{cid}/org-sign/", {"no_subcontracting": False})
    assert r.status_code == 409 and r.json()["code"] == "no_subcontracting_declaration"
    assert (
        org_client.post(f"{URL}contracts/{cid}/org-sign/", {"no_subcontracting": True}).status_code
        == 200
    )
    r = staff.post(f"{URL}contracts/{cid}/countersign/")
    assert r.status_code == 200 and r.json()["periods"][0]["state"] == "committed"
    assert staff.post(f"{URL}contracts/{cid}/start/").json()["state"] == "in_service"
    r = org_client.post(
        f"{URL}contracts/{cid}/subcontractors/",
        {"name": "某公司", "work": "助餐", "is_core_service": True},
        format="json",
    )
    assert r.status_code == 409 and r.json()["code"] == "core_service_subcontract"

    rows = org_client.get(f"{URL}installments/").json()["results"]
    assert len(rows) == 6  # two years of 30/40/30
    first, _second, final = rows[:3]
    r = staff.post(f"{URL}installments/{first['id']}/pay/")
    assert r.status_code == 409 and r.json()["code"] == "milestone_not_accepted"
    r = org_client.post(
        f"{URL}milestone-reports/",
        {"installment": first["id"], "text": "团队组建完成"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="m-1",
    )
    assert r.status_code == 201
    rid = r.json()["id"]
    assert org_client.post(f"{URL}milestone-reports/{rid}/accept/").status_code == 403
    assert staff.post(f"{URL}milestone-reports/{rid}/accept/").json()["state"] == "accepted"
    r = staff.post(f"{URL}installments/{first['id']}/pay/")
    assert r.status_code == 200 and r.json()["state"] == "paid"
    r = staff.post(f"{URL}installments/{final['id']}/pay/")
    assert r.status_code == 409 and r.json()["code"] == "evaluation_required"

    r = staff.post(f"{URL}contracts/{cid}/next-period/", {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "evaluation_not_passed"
    ContractPeriod.objects.filter(contract_id=cid, index=1).update(
        evaluation_score=92, evaluation_grade="excellent"
    )
    f.funded_budget(cast.district, street, year=2027, amount="200000")
    r = staff.post(f"{URL}contracts/{cid}/next-period/", {}, format="json")
    assert r.status_code == 200 and r.json()["periods"][1]["state"] == "committed"


def test_bad_input_is_a_400_naming_the_field(cast, budget):
    staff = api_as(cast.street_a)
    r = staff.post(
        f"{URL}projects/",
        project_body(budget, cast.evaluator, budget_amount="1.234"),
        format="json",
    )
    assert r.status_code == 400 and "budget_amount" in r.json()["fields"]
    r = staff.post(f"{URL}projects/", project_body(budget, cast.evaluator, years=4), format="json")
    assert r.status_code == 400 and "years" in r.json()["fields"]


def test_lists_are_pinned(cast, street, budget):
    staff = api_as(cast.street_a)
    org_counter = iter(range(100))

    def grow():
        project = f.open_project(cast.street_a, street, budget, cast.evaluator)
        for _ in range(2):
            org = OrganizationFactory()
            from procurement.services import projects

            projects.apply(
                project,
                organization=org,
                by=f.member_of(org, f"m{next(org_counter)}"),
                proposal="方案",
                quoted_amount="1000",
            )

    grow()
    assert_pinned(lambda: staff.get(f"{URL}projects/"), grow)
    assert_pinned(lambda: staff.get(f"{URL}applications/"), grow)
