"""The purchase life cycle at service level (issue 9, "Done when").

UNTIL h-proj's services land, the upstream steps (project → pre-review → apply → award
→ contract → start → non-final installments) are made by `upstream_via_orm` (through
`procurement.stand_in`); the lead rewires it to `services.projects` / `services.contracts`
at merge. From supervision on, every step is item 6/7's services.
"""

from decimal import Decimal

import pytest
from django.test import Client

from credit.models import CreditEvent
from huitian.models import LedgerAccount, LedgerMovement
from procurement import ocds, stand_in
from procurement.models import Contract, ContractPeriod, Installment, PurchaseProject
from procurement.selectors import disclosure
from procurement.services import evaluation as svc
from tests.procurement.purchases import MAJOR, in_service
from tests.procurement.test_ocds import assert_valid

pytestmark = pytest.mark.django_db


def upstream_via_orm(cast, **kwargs) -> Contract:
    """Project to contract in service, year 1 committed, 30 % and 40 % paid (stand-in)."""
    return in_service(cast, **kwargs)


def test_supervise_evaluate_pay_by_score_settle_and_disclose(cast):
    contract = upstream_via_orm(cast, amount=MAJOR, years=2)
    project = contract.project
    budget = project.budget
    year1, year2 = contract.periods.order_by("index")
    commitment = LedgerAccount.objects.get(pk=budget.services_account_id)
    assert commitment.balance == Decimal("180000.00")  # 600,000 committed − 420,000 paid

    # Supervision: a major project needs a visit; its correction is closed first.
    visit = svc.record_visit(
        contract_id=contract.pk,
        visited_on=contract.start_date,
        findings="入户记录不全",
        by=cast.street_a,
    )
    action = svc.open_corrective_action(
        visit_id=visit.pk, description="补全入户记录", due=contract.start_date, by=cast.street_a
    )
    for rating in (4, 4, 4, 5):
        svc.record_survey_response(period_id=year1.pk, rating=rating, by=cast.street_a)
    problems = [p.code for p in svc.evaluation_problems(ContractPeriod.objects.get(pk=year1.pk))]
    assert problems == ["corrective_action_open"]
    svc.close_corrective_action(action_id=action.pk, note="已补全", by=cast.street_a)

    # Evaluate (third party), pay by score, release the rest, settle the year.
    done = svc.evaluate_period(
        period_id=year1.pk,
        quantity_score="88",
        quality_score="85",
        evaluator_kind="third_party",
        evaluator=cast.evaluator,
        by=cast.street_a,
    )
    # satisfaction (4.25−1)/4×100 = 81.25; (88×30 + 85×40 + 81.25×30)/100 = 84.775 → 84.78
    assert (done.overall_score, done.grade) == (Decimal("84.78"), "good")
    final = svc.pay_final_installment(period_id=year1.pk, by=cast.street_a)
    assert final.paid_amount == Decimal("171000.00")  # 95 % of 180,000
    assert final.released_movement.entries.get().amount == Decimal("9000.00")
    commitment.refresh_from_db()
    assert commitment.balance == 0  # year 1 paid or released in full
    svc.settle_period(period_id=year1.pk, by=cast.street_a)
    assert PurchaseProject.objects.get(pk=project.pk).state == "evaluated"  # a year to go

    # Year 2 (h-proj's open_next_period commits it: the stand-in here).
    stand_in.commit_period(year2, by=cast.street_a)
    stand_in.pay_non_final_installments(year2, by=cast.street_a)
    for rating in (5, 5, 5):
        svc.record_survey_response(period_id=year2.pk, rating=rating, by=cast.street_a)
    svc.evaluate_period(
        period_id=year2.pk, quantity_score="95", quality_score="95", by=cast.street_a
    )
    svc.pay_final_installment(period_id=year2.pk, by=cast.street_a)
    svc.settle_period(period_id=year2.pk, by=cast.street_a)
    assert PurchaseProject.objects.get(pk=project.pk).state == "settled"
    assert Contract.objects.get(pk=contract.pk).state == "completed"
    assert set(
        Installment.objects.filter(period__contract=contract).values_list("state", flat=True)
    ) == {"paid"}
    commitment.refresh_from_db()
    assert commitment.balance == 0
    assert CreditEvent.objects.filter(organization=contract.organization).count() == 2

    # Disclosure: the OCDS export validates; the audit trail has every step and entry.
    package = ocds.release_package(ocds.public_projects(), uri="https://example.cn/ocds/")
    assert_valid(package)
    (release,) = package["releases"]
    assert len(release["contracts"][0]["implementation"]["transactions"]) == 6
    _project, lines = disclosure.audit_trail(cast.district, project.pk)
    movements = LedgerMovement.objects.filter(
        cause_id__in=[
            year1.pk,
            year2.pk,
            *Installment.objects.filter(period__contract=contract).values_list("pk", flat=True),
        ]
    )
    assert sum(1 for line in lines if line.kind == "ledger") >= movements.count() > 0
    assert Client().get(f"/purchases/public/{project.pk}/").status_code == 200
