"""The purchase project's staff screen (issue 9): the assigned evaluator's pre-review
opinion, cancelling with a reason (which releases committed money) and drafting the
awarded project's contract — as step buttons and changelist actions calling the services,
scoped to the project's area, the services' refusals shown as messages."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from huitian import ledger
from huitian.models import LedgerMovement, Role
from procurement.models import Contract, PurchaseProject
from procurement.services import projects as svc
from tests.conftest import STREET_A, STREET_B, make_user
from tests.procurement import factories as f
from tests.procurement import purchases as p
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
PROJECTS = "/admin/procurement/purchaseproject/"
OPINION = "需求真实，预算测算合理，服务标准可考核。"


def step(client, project, action, **form):
    return client.post(
        f"{PROJECTS}{project.pk}/step/", {"action": action, "_selected_action": project.pk, **form}
    )


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def budget(cast):
    return f.funded_budget(cast.district, cast.area(STREET_A))


@pytest.fixture
def in_review(cast, budget):
    project = f.draft_project(cast.street_a, cast.area(STREET_A), budget, evaluator=cast.evaluator)
    return svc.submit_for_review(project, by=cast.street_a)


def state(project) -> str:
    return PurchaseProject.objects.get(pk=project.pk).state


# --- Pre-review -------------------------------------------------------------------------


def test_the_assigned_evaluator_passes_the_pre_review_from_the_project_page(
    cast, client_as, in_review
):
    client = client_as(cast.evaluator)
    page = client.get(f"{PROJECTS}{in_review.pk}/change/").content.decode()
    for name in ("pass_review", "revise", "reject"):
        assert f'data-step="{name}"' in page
    assert 'data-step="cancel"' not in page  # the purchaser's step, not the evaluator's
    asked = step(client, in_review, "pass_pre_review")
    assert asked.status_code == 200 and 'name="opinion"' in asked.content.decode()
    assert state(in_review) == "pre_review"
    empty = step(client, in_review, "pass_pre_review", apply="1", opinion=" ")
    assert empty.status_code == 200 and state(in_review) == "pre_review"
    done = step(client, in_review, "pass_pre_review", apply="1", opinion=OPINION)
    assert done.status_code == 302 and done["Location"].endswith(f"{in_review.pk}/change/")
    project = PurchaseProject.objects.get(pk=in_review.pk)
    assert project.state == "passed" and project.pre_review_opinion == OPINION


def test_the_evaluator_returns_for_revision_through_the_changelist_action(
    cast, client_as, in_review
):
    client = client_as(cast.evaluator)
    client.post(
        PROJECTS,
        {
            "action": "return_for_revision",
            "_selected_action": [in_review.pk],
            "apply": "1",
            "opinion": "服务数量测算依据不足，请补充。",
        },
    )
    assert state(in_review) == "draft"


def test_pre_review_is_only_the_assigned_evaluators(cast, client_as, in_review):
    other = make_user("evaluator_b", Role.EVALUATOR, cast.area(STREET_B))
    # Another evaluator does not see the project at all.
    assert step(client_as(other), in_review, "pass_pre_review").status_code == 404
    client_as(other).post(
        PROJECTS,
        {
            "action": "pass_pre_review",
            "_selected_action": [in_review.pk],
            "apply": "1",
            "opinion": OPINION,
        },
    )
    # The purchaser's staff see it but the step is not theirs.
    street = client_as(cast.street_a)
    page = street.get(f"{PROJECTS}{in_review.pk}/change/").content.decode()
    assert 'data-step="pass_review"' not in page
    assert step(street, in_review, "pass_pre_review", apply="1", opinion=OPINION).status_code == 403
    assert state(in_review) == "pre_review"


# --- Cancel -----------------------------------------------------------------------------


def test_street_staff_cancel_a_project_in_service_and_its_commitment_is_released(cast, client_as):
    contract = p.in_service(cast, pay=False)
    project, period = contract.project, p.period_of(contract)
    committed = ledger.balance_of(period.budget.services_account)
    client = client_as(cast.street_a)
    asked = step(client, project, "cancel_selected")
    assert asked.status_code == 200 and 'name="reason"' in asked.content.decode()
    done = step(client, project, "cancel_selected", apply="1", reason="服务需求已由区级项目覆盖")
    assert done.status_code == 302
    assert state(project) == "cancelled"
    assert ledger.balance_of(period.budget.services_account) == committed - period.amount
    release = LedgerMovement.objects.get(kind="release")
    assert release.cause == Contract.objects.get(pk=contract.pk)
    assert "服务需求已由区级项目覆盖" in release.note


def test_cancel_out_of_area_is_not_found_and_changes_nothing(cast, client_as, in_review):
    client = client_as(cast.street_b)
    assert step(client, in_review, "cancel_selected", apply="1", reason="x").status_code == 404
    client.post(
        PROJECTS,
        {
            "action": "cancel_selected",
            "_selected_action": [in_review.pk],
            "apply": "1",
            "reason": "x",
        },
    )
    assert state(in_review) == "pre_review"
    # The district over both streets may.
    step(client_as(cast.district), in_review, "cancel_selected", apply="1", reason="预算调整")
    assert state(in_review) == "cancelled"


def test_cancel_of_a_project_that_paid_money_is_refused_with_the_reason(cast, client_as):
    contract = p.in_service(cast)  # its first installments are paid
    project = contract.project
    client = client_as(cast.street_a)
    page = client.get(f"{PROJECTS}{project.pk}/change/").content.decode()
    assert contract.number in page and "disabled" in page  # the button greyed, with why
    done = step(client, project, "cancel_selected", apply="1", reason="不再需要")
    assert done.status_code == 302
    assert contract.number in said(done)
    assert state(project) == "in_service"
    assert not LedgerMovement.objects.filter(kind="release").exists()


# --- Draft the contract -----------------------------------------------------------------


@pytest.fixture
def awarded(cast, budget):
    org = OrganizationFactory()
    project, _application = f.awarded_project(
        cast.street_a,
        cast.area(STREET_A),
        budget,
        cast.evaluator,
        org,
        f.member_of(org),
        years=2,
    )
    return project


def years(first="150000", second="150000"):
    return {
        "amount_1": first,
        "start_1": "2026-01-01",
        "end_1": "2026-12-31",
        "amount_2": second,
        "start_2": "2027-01-01",
        "end_2": "2027-12-31",
    }


def test_street_staff_draft_the_awarded_projects_contract(cast, client_as, awarded):
    client = client_as(cast.street_a)
    page = client.get(f"{PROJECTS}{awarded.pk}/change/").content.decode()
    assert 'value="draft_contract"' in page
    asked = step(client, awarded, "draft_contract")
    assert asked.status_code == 200 and 'name="amount_2"' in asked.content.decode()
    done = step(client, awarded, "draft_contract", apply="1", **years())
    assert done.status_code == 302
    contract = Contract.objects.get(project=awarded)
    assert contract.state == "draft" and contract.amount == Decimal("300000.00")
    assert list(contract.periods.values_list("index", "amount")) == [
        (1, Decimal("150000.00")),
        (2, Decimal("150000.00")),
    ]
    assert contract.number in said(done)
    # Drafted once: the button now says why not, and the service refuses a second.
    page = client.get(f"{PROJECTS}{awarded.pk}/change/").content.decode()
    assert 'value="draft_contract"' not in page and contract.number in page
    again = step(client, awarded, "draft_contract", apply="1", **years())
    assert again.status_code == 302 and contract.number in said(again)
    assert Contract.objects.filter(project=awarded).count() == 1


def test_a_contract_over_the_budget_is_refused_and_nothing_is_written(cast, client_as, awarded):
    client = client_as(cast.street_a)
    done = step(client, awarded, "draft_contract", apply="1", **years(second="150000.01"))
    assert done.status_code == 302 and "¥300,000.01" in said(done)
    assert not Contract.objects.exists()
    half = step(client, awarded, "draft_contract", apply="1", **(years() | {"end_2": ""}))
    assert half.status_code == 200 and not Contract.objects.exists()  # year 2 half given


def test_drafting_out_of_area_or_as_the_evaluator_is_refused(cast, client_as, awarded):
    assert (
        step(client_as(cast.street_b), awarded, "draft_contract", apply="1", **years()).status_code
        == 404
    )
    assert (
        step(client_as(cast.evaluator), awarded, "draft_contract", apply="1", **years()).status_code
        == 403
    )
    assert not Contract.objects.exists()
