"""Item 6/7's test setup: a contract in service in street A (see `procurement.stand_in`,
which the lead rewires to h-proj's services at merge)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from procurement import stand_in
from procurement.services import evaluation
from tests.conftest import STREET_A
from tests.registry.factories import OrganizationFactory

MINOR = "100000.00"  # below the major-project threshold (500,000)
MAJOR = "600000.00"


def in_service(cast, *, amount=MINOR, years=1, evaluator=None, organization=None, title=None):
    street = cast.area(STREET_A)
    total = Decimal(amount) * years
    budget = stand_in.funded_budget(area=street, amount=total, by=cast.district)
    return stand_in.contract_in_service(
        organization=organization or OrganizationFactory(),
        area=street,
        budget=budget,
        amount=amount,
        purchaser=cast.street_a,
        evaluator=evaluator or cast.evaluator,
        years=years,
        **({"title": title} if title else {}),
    )


def period_of(contract, index=1):
    return contract.periods.get(index=index)


def surveys(period, by, ratings=(5, 5, 4, 5)):
    for rating in ratings:
        evaluation.record_survey_response(period_id=period.pk, rating=rating, by=by)


def visit(contract, by, days_ago=3, findings="送餐准时，台账齐全。"):
    return evaluation.record_visit(
        contract_id=contract.pk,
        visited_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        findings=findings,
        by=by,
    )


def evaluate(period, by, quantity="95", quality="92", **kwargs):
    return evaluation.evaluate_period(
        period_id=period.pk, quantity_score=quantity, quality_score=quality, by=by, **kwargs
    )
