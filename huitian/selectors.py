"""Kernel reads."""

from django.db.models import Prefetch

from huitian.models import Area


def area_tree():
    """Streets with their communities, two queries."""
    return (
        Area.objects.filter(level=Area.Level.STREET, is_active=True)
        .order_by("code")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Area.objects.filter(is_active=True).order_by("code"),
                to_attr="communities",
            )
        )
    )


def district() -> Area | None:
    return Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
