"""Reads of honours (C6): the public roll, nominations staff may see."""

from django.db.models import QuerySet

from credit.models import Nomination


def honour_roll(*, year: int | None = None, kind: str = "") -> QuerySet:
    """Selected honours, newest year first (public)."""
    qs = Nomination.objects.filter(state=Nomination.State.SELECTED).select_related(
        "organization", "community"
    )
    if year:
        qs = qs.filter(year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-year", "kind", "pk")


def honour_years() -> list[int]:
    return list(
        Nomination.objects.filter(state=Nomination.State.SELECTED)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def nominations_for(user) -> QuerySet:
    from huitian.access import visible

    return visible(user, Nomination.objects.all()).select_related("organization", "community")
