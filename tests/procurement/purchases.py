"""Item 6/7's test setup: a contract in service in street A, through the projects and
contracts services (tests/procurement/factories.py), the non-final installments paid."""

import datetime
from decimal import Decimal

from django.utils import timezone

from huitian.models import User
from procurement.services import evaluation
from tests.conftest import STREET_A
from tests.procurement import factories
from tests.registry.factories import OrganizationFactory

MINOR = "100000.00"  # below the major-project threshold (500,000)
MAJOR = "600000.00"


def in_service(
    cast, *, amount=MINOR, years=1, evaluator=None, organization=None, title=None, pay=True
):
    """A contract of street A in service, `amount` a year, year 1 committed (30/40/30)
    and its non-final installments paid when `pay`; later years get their budgets."""
    street = cast.area(STREET_A)
    organization = organization or OrganizationFactory()
    member = User.objects.filter(
        username=f"member_{organization.pk}"
    ).first() or factories.member_of(organization)
    budget, *_later = [
        factories.funded_budget(
            cast.district, street, year=factories.PROJECT_YEAR + index, amount=amount
        )
        for index in range(years)
    ]
    contract = factories.contract_in_service(
        cast.street_a,
        street,
        budget,
        evaluator or cast.evaluator,
        organization,
        member,
        years=years,
        amount=Decimal(amount) * years,
        **({"title": title} if title else {}),
    )
    if pay:
        factories.pay_non_final(period_of(contract), cast.street_a, member)
    return contract


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
