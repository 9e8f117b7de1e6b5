import datetime
from decimal import Decimal

from credit.models import StarRating
from registry.models import Organization
from tests.registry.factories import FiledGroupFactory, OrganizationFactory

__all__ = [
    "SCORES",
    "FiledGroupFactory",
    "OrganizationFactory",
    "assert_breakdown",
    "graded",
    "old_organization",
]


def old_organization(factory=OrganizationFactory, year: int = 2023, **kwargs) -> Organization:
    """An organization that existed before the inspection years the tests use."""
    org = factory(**kwargs)
    Organization.objects.filter(pk=org.pk).update(
        created_at=datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    )
    return Organization.objects.get(pk=org.pk)


def assert_breakdown(rating: StarRating) -> None:
    """Every rating's breakdown adds up to its score, and its stars follow its model."""
    total = sum((Decimal(row["points"]) for row in rating.breakdown), Decimal("0.00"))
    assert total == rating.score, (rating.breakdown, rating.score)
    assert sum(row["weight"] for row in rating.breakdown) == 100
    assert rating.stars == rating.model.stars_for(rating.score)


SCORES = {"basic": "55", "governance": "380", "performance": "420", "social": "95"}  # 950


def graded(cast, scores=None, *, org=None, evaluator=None):
    """An organization evaluated in a new round and awarded its grade (5A by default)."""
    from credit import services

    org = org or OrganizationFactory()
    rnd = services.open_evaluation_round(by=cast.district, year=2026, name="第一批等级评估")
    evaluation = services.assign_evaluation(
        by=cast.district,
        round_id=rnd.pk,
        organization_id=org.pk,
        evaluator_id=(evaluator or cast.evaluator).pk,
    )
    services.enter_scores(
        by=evaluator or cast.evaluator, evaluation_id=evaluation.pk, scores=scores or SCORES
    )
    return services.award_grade(by=cast.district, evaluation_id=evaluation.pk)
