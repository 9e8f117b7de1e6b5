"""Public pages of purchases and the staff's audit trail (issue 9, item 7)."""

import io

import pytest
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from procurement.models import PurchaseProject
from procurement.selectors import disclosure as sel
from procurement.services import evaluation as svc
from tests.procurement.purchases import evaluate, in_service, period_of, surveys, visit
from tests.queries import assert_pinned

pytestmark = pytest.mark.django_db
LIST = "/purchases/public/"
EVALUATIONS = "/purchases/public/evaluations/"


def lifecycle(cast, title="老年人助餐服务", ratings=(5, 5, 4, 5)):
    contract = in_service(cast, title=title)
    period = period_of(contract)
    visit(contract, cast.street_a)
    surveys(period, cast.street_a, ratings=ratings)
    evaluate(period, cast.street_a)
    svc.pay_final_installment(period_id=period.pk, by=cast.street_a)
    return contract


def draft_beside(contract, state="draft"):
    p = contract.project
    return PurchaseProject.objects.create(
        title=f"不公开的{state}项目",
        area=p.area,
        purchaser_name=p.purchaser_name,
        budget_amount="1000",
        budget=p.budget,
        service_standard="标准",
        quantity=1,
        unit="次",
        duration_months=1,
        state=state,
    )


def test_the_public_list_shows_published_projects_only(cast):
    contract = lifecycle(cast)
    hidden = [draft_beside(contract, s) for s in ("draft", "pre_review", "rejected")]
    page = Client().get(LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert contract.project.title in text and contract.organization.name in text
    assert not any(h.title in text for h in hidden)
    for h in hidden:
        assert Client().get(f"/purchases/public/{h.pk}/").status_code == 404


def test_a_project_page_shows_award_contract_payments_and_evaluation_without_people(cast):
    contract = lifecycle(cast)
    page = Client().get(f"/purchases/public/{contract.project_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    for shown in (contract.organization.name, contract.number, "¥100,000.00", "93.43"):
        assert shown in text, shown
    for secret in (
        cast.street_a.username,
        cast.evaluator.username,
        contract.organization.contact_phone,
        contract.organization.uscc,
    ):
        assert secret not in text, secret


def test_the_evaluation_results_page(cast):
    contract = lifecycle(cast)
    page = Client().get(EVALUATIONS)
    assert page.status_code == 200
    assert "93.43" in page.content.decode() and contract.project.title in page.content.decode()


@pytest.mark.parametrize("url", [LIST, EVALUATIONS])
def test_public_lists_run_pinned_queries(cast, url):
    lifecycle(cast)
    client = Client()
    n = [0]

    def grow():
        n[0] += 1
        lifecycle(cast, title=f"更多项目{n[0]}")

    assert_pinned(lambda: client.get(url), grow)


def test_the_audit_trail_lists_steps_and_ledger_entries_in_order(cast, client_as):
    contract = lifecycle(cast)
    url = f"/purchases/audit/{contract.project_id}/"
    page = client_as(cast.street_a).get(url)
    assert page.status_code == 200
    with translation.override("en"):  # the page's request left Chinese active
        _project, lines = sel.audit_trail(cast.street_a, contract.project_id)
        whats = " ".join(str(line.what) for line in lines)
    kinds = {line.kind for line in lines}
    assert kinds == {"transition", "ledger"}
    assert [line.at for line in lines] == sorted(line.at for line in lines)
    assert "Record the evaluation" in whats and "Pay by score" in whats
    ledger_total = sum(line.amount for line in lines if line.kind == "ledger")
    assert ledger_total == 200000  # committed 100,000 + paid 100,000
    xlsx = client_as(cast.street_a).get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(lines) + 2


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("district", 200),
        ("auditor", 200),
        ("street_a", 200),
        ("evaluator", 200),  # the project's assigned evaluator reads it
        ("street_b", 404),
        ("community_b1", 404),
        ("resident", 404),
    ],
)
def test_the_audit_trail_is_scoped(cast, client_as, who, status):
    contract = lifecycle(cast)
    url = f"/purchases/audit/{contract.project_id}/"
    assert client_as(getattr(cast, who)).get(url).status_code == status
    assert client_as(getattr(cast, who)).get(url, {"format": "xlsx"}).status_code == status


def test_the_audit_trail_needs_a_sign_in(cast):
    contract = lifecycle(cast)
    page = Client().get(f"/purchases/audit/{contract.project_id}/")
    assert page.status_code == 302 and "login" in page["Location"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_public_amounts_have_thousands_separators_in_either_language(cast, language):
    contract = in_service(cast, amount="1200000.00", title="回天地区养老服务综合体运营")
    client = Client()
    client.cookies["django_language"] = language
    listing = client.get(LIST).content.decode()
    assert "¥1,200,000.00" in listing and "¥1200000.00" not in listing
    page = client.get(f"/purchases/public/{contract.project.pk}/").content.decode()
    assert "¥1,200,000.00" in page and "¥1200000.00" not in page
    # Year 1's paid installments: 30 % + 40 % of 1,200,000.
    assert "¥840,000.00" in page
