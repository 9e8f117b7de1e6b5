import datetime
from decimal import Decimal

from credit.models import StarRating
from registry.models import Organization
from tests.registry.factories import FiledGroupFactory, OrganizationFactory

__all__ = ["FiledGroupFactory", "OrganizationFactory", "assert_breakdown", "old_organization"]


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
