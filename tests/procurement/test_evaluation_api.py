"""The evaluation API (issue 9, item 6): scoped, refusals as 409 with the reason."""

import pytest

from procurement.models import CorrectiveAction, Evaluation, SpotCheck
from tests.conftest import STREET_A, api_as
from tests.procurement.purchases import MAJOR, in_service, period_of, surveys
from tests.queries import assert_pinned

pytestmark = pytest.mark.django_db
BASE = "/api/v1/purchases"


def test_the_whole_item_6_path_through_the_api(cast):
    contract = in_service(cast, amount=MAJOR)
    year = period_of(contract)
    staff = api_as(cast.street_a)
    for rating in (5, 5, 4):
        assert (
            staff.post(
                f"{BASE}/evaluation-years/{year.pk}/surveys/", {"rating": rating}
            ).status_code
            == 201
        )
    imported = staff.post(
        f"{BASE}/evaluation-years/{year.pk}/surveys/import/",
        {"text": "rating,answered_on,comment\n5,,好\n"},
        format="json",
    )
    assert imported.status_code == 201 and imported.json()[0]["source"] == "imported"

    problems = staff.get(f"{BASE}/evaluation-years/{year.pk}/problems/").json()
    assert [p["code"] for p in problems] == ["supervision_required"]
    refused = staff.post(
        f"{BASE}/evaluations/", {"period": year.pk, "quantity_score": "95", "quality_score": "92"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "supervision_required"
    assert not Evaluation.objects.exists()

    visit = staff.post(
        f"{BASE}/supervision-visits/",
        {"contract": contract.pk, "visited_on": "2026-01-05", "findings": "台账缺页"},
    )
    assert visit.status_code == 201, visit.json()
    action = staff.post(
        f"{BASE}/corrective-actions/",
        {"visit": visit.json()["id"], "description": "补齐台账", "due": "2026-02-01"},
    )
    assert action.status_code == 201
    refused = staff.post(
        f"{BASE}/evaluations/", {"period": year.pk, "quantity_score": "95", "quality_score": "92"}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "corrective_action_open"
    closed = staff.post(
        f"{BASE}/corrective-actions/{action.json()['id']}/close/", {"note": "已补齐"}
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"

    early = staff.post(f"{BASE}/evaluation-years/{year.pk}/pay-final/")
    assert early.status_code == 409 and early.json()["code"] == "not_evaluated"
    done = staff.post(
        f"{BASE}/evaluations/",
        {"period": year.pk, "quantity_score": "95", "quality_score": "92"},
        HTTP_IDEMPOTENCY_KEY="eval-1",
    )
    assert done.status_code == 201 and done.json()["grade"] == "excellent"
    again = staff.post(
        f"{BASE}/evaluations/",
        {"period": year.pk, "quantity_score": "95", "quality_score": "92"},
        HTTP_IDEMPOTENCY_KEY="eval-1",
    )
    assert again.json()["id"] == done.json()["id"] and Evaluation.objects.count() == 1
    paid = staff.post(f"{BASE}/evaluation-years/{year.pk}/pay-final/")
    assert paid.status_code == 200 and paid.json()["final_installment"]["state"] == "paid"
    settled = staff.post(f"{BASE}/evaluation-years/{year.pk}/settle/")
    assert settled.status_code == 200 and settled.json()["state"] == "settled"


def test_bad_scores_are_400(cast):
    year = period_of(in_service(cast))
    surveys(year, cast.street_a)
    for bad in ("101", "-1", "80.123", "x"):
        r = api_as(cast.street_a).post(
            f"{BASE}/evaluations/",
            {"period": year.pk, "quantity_score": bad, "quality_score": "90"},
        )
        assert r.status_code == 400, (bad, r.json())
    assert not Evaluation.objects.exists()


def test_out_of_area_and_read_only_callers(cast):
    contract = in_service(cast)
    year = period_of(contract)
    surveys(year, cast.street_a)
    api_as(cast.street_a).post(
        f"{BASE}/evaluations/", {"period": year.pk, "quantity_score": "90", "quality_score": "90"}
    )
    outsider = api_as(cast.street_b)
    assert outsider.get(f"{BASE}/evaluations/").json()["count"] == 0
    assert outsider.get(f"{BASE}/evaluation-years/{year.pk}/").status_code == 404
    assert outsider.post(f"{BASE}/evaluation-years/{year.pk}/pay-final/").status_code == 404
    forbidden = outsider.post(
        f"{BASE}/supervision-visits/",
        {"contract": contract.pk, "visited_on": "2026-01-05", "findings": "越权"},
    )
    assert forbidden.status_code == 403
    auditor = api_as(cast.auditor)
    assert auditor.get(f"{BASE}/evaluations/").json()["count"] == 1
    assert auditor.post(f"{BASE}/evaluation-years/{year.pk}/pay-final/").status_code == 403
    assert api_as(cast.resident).get(f"{BASE}/evaluations/").json()["count"] == 0


def test_a_spot_check_through_the_api(cast):
    in_service(cast)
    staff = api_as(cast.street_a)
    drawn = staff.post(
        f"{BASE}/spot-checks/", {"area": STREET_A, "label": "2026 Q1", "sample_size": 1, "seed": 7}
    )
    assert drawn.status_code == 201 and drawn.json()["seed"] == 7
    assert len(drawn.json()["contracts"]) == 1
    twice = staff.post(
        f"{BASE}/spot-checks/", {"area": STREET_A, "label": "2026 Q1", "sample_size": 1}
    )
    assert twice.status_code == 409 and twice.json()["code"] == "spot_check_exists"
    assert api_as(cast.street_b).get(f"{BASE}/spot-checks/").json()["count"] == 0
    assert SpotCheck.objects.count() == 1


def test_lists_run_pinned_queries(cast):
    staff = api_as(cast.street_a)

    def grow():
        contract = in_service(cast)
        year = period_of(contract)
        surveys(year, cast.street_a)
        staff.post(
            f"{BASE}/evaluations/",
            {"period": year.pk, "quantity_score": "90", "quality_score": "90"},
        )

    grow()
    for url in ("evaluations", "evaluation-years", "supervision-visits", "corrective-actions"):
        assert_pinned(lambda url=url: staff.get(f"{BASE}/{url}/"), grow)
    assert CorrectiveAction.objects.count() == 0
