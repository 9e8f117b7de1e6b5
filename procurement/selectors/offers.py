"""The supply list, and the organizations procurement reads through `registry.selectors`."""

from django.db.models import Q
from django.utils import timezone

from huitian.access import organization_ids
from huitian.models import Area, Category
from procurement.models import Offer
from registry.selectors import public_directory


def active_offers(
    *,
    category: str = "",
    organization: int | None = None,
    free: bool | None = None,
    area: str = "",
):
    """The supply list: active offers, filtered by category (group) code, organization id,
    free of charge, and the area code they serve (offers covering it or inside it)."""
    qs = (
        Offer.objects.filter(state=Offer.State.ACTIVE, valid_until__gte=timezone.localdate())
        .select_related("organization", "category")
        .prefetch_related("areas")
    )
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
    if organization is not None:
        qs = qs.filter(organization_id=organization)
    if free:
        qs = qs.filter(is_free=True)
    if area:
        found = Area.objects.filter(code=area).first()
        if found is None:
            return qs.none()
        covering = [a for a in found.path.strip("/").split("/") if a]
        qs = qs.filter(Q(areas__in=covering) | Q(areas__path__startswith=found.path)).distinct()
    return qs.order_by("-created_at", "-pk")


def listed_organization(pk):
    """An organization of the public directory (active, suspended or in liquidation), or None."""
    return public_directory().filter(pk=pk).first()


def member_organizations(user) -> list:
    """The listed organizations the user is a member of, by name."""
    ids = organization_ids(user)
    return list(public_directory().filter(pk__in=ids)) if ids else []


def category_groups():
    """The top-level categories in use, for the supply list's filter."""
    return Category.objects.filter(parent__isnull=True, is_active=True)


def offers_of(organizations) -> list:
    """Every offer of these organizations (any state), newest first, for their members."""
    ids = [o.pk for o in organizations]
    return list(
        Offer.objects.filter(organization_id__in=ids)
        .select_related("organization", "category")
        .prefetch_related("areas")
        .order_by("state", "-valid_until", "-pk")
    )
