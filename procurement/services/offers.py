"""The supply list (P3): organizations publish offers; stale offers expire."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, Category, User
from huitian.selectors import organization_members
from huitian.services import notify
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move, move_many, save_new
from procurement.error_codes import ErrorCode
from procurement.models import Offer, limits

EXPIRY_NOTICE_DAYS = 7


@transaction.atomic
def publish_offer(
    *,
    by: User,
    organization,
    category: Category,
    title: str,
    description: str,
    areas: list[Area],
    valid_until: datetime.date,
    capacity_per_month: int = 10,
    is_free: bool = True,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
) -> Offer:
    require(by, "procurement.manage_offer", organization)
    check_lengths(description=(description, limits.OFFER_DESCRIPTION))
    if organization.status != "active":
        raise WorkflowError(
            ErrorCode.ORGANIZATION_INACTIVE, _("Only an active organization can publish offers.")
        )
    errors = {}
    if not areas:
        errors["areas"] = _("Choose at least one community or street served.")
    if valid_until <= timezone.localdate():
        errors["valid_until"] = _("The date must be in the future.")
    if is_free and (price_min or price_max):
        errors["price_min"] = _("A free offer has no price.")
    if not is_free and price_min is None:
        errors["price_min"] = _("Give the price range of a paid offer.")
    if price_min is not None and price_max is not None and price_min > price_max:
        errors["price_max"] = _("The upper price must not be below the lower one.")
    if errors:
        raise ValidationError(errors)
    offer = Offer(
        organization=organization,
        category=category,
        title=title,
        description=description,
        valid_until=valid_until,
        capacity_per_month=capacity_per_month,
        is_free=is_free,
        price_min=price_min,
        price_max=price_max if price_max is not None else price_min,
    )
    offer.full_clean()
    save_new(offer, by=by, step="publish")
    offer.areas.set(areas)
    return offer


@transaction.atomic
def withdraw_offer(*, offer_id: int, by: User, note: str = "") -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    require(by, "procurement.manage_offer", offer)
    if offer.state != Offer.State.ACTIVE:
        raise WorkflowError(ErrorCode.NOT_ACTIVE, _("Only an active offer can be withdrawn."))
    move(offer, Offer.FLOW["withdraw"], by=by, note=note)
    return offer


def _check_terms(*, areas, valid_until, is_free, price_min, price_max) -> None:
    errors = {}
    if areas is not None and not areas:
        errors["areas"] = _("Choose at least one community or street served.")
    if valid_until is not None and valid_until <= timezone.localdate():
        errors["valid_until"] = _("The date must be in the future.")
    if is_free and (price_min or price_max):
        errors["price_min"] = _("A free offer has no price.")
    if not is_free and price_min is None:
        errors["price_min"] = _("Give the price range of a paid offer.")
    if price_min is not None and price_max is not None and price_min > price_max:
        errors["price_max"] = _("The upper price must not be below the lower one.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_offer(
    *,
    offer_id: int,
    by: User,
    category: Category,
    title: str,
    description: str,
    areas: list[Area],
    valid_until: datetime.date,
    capacity_per_month: int,
    is_free: bool,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
) -> Offer:
    """The organization corrects its active offer (the history keeps the old text)."""
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    require(by, "procurement.manage_offer", offer)
    if offer.state != Offer.State.ACTIVE:
        raise WorkflowError(
            ErrorCode.NOT_ACTIVE, _("Only an active offer can be edited; renew it first.")
        )
    check_lengths(description=(description, limits.OFFER_DESCRIPTION))
    _check_terms(
        areas=areas,
        valid_until=valid_until,
        is_free=is_free,
        price_min=price_min,
        price_max=price_max,
    )
    offer.category, offer.title, offer.description = category, title, description
    offer.capacity_per_month, offer.is_free = capacity_per_month, is_free
    offer.price_min = price_min
    offer.price_max = price_max if price_max is not None else price_min
    if valid_until != offer.valid_until:
        offer.valid_until, offer.expiry_notice_sent_at = valid_until, None
    offer.full_clean()
    offer._history_user = by
    offer.save()
    offer.areas.set(areas)
    return offer


@transaction.atomic
def renew_offer(*, offer_id: int, by: User, valid_until: datetime.date, note: str = "") -> Offer:
    """Extend an active or expired offer to a new date; an expired one is listed again."""
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    require(by, "procurement.manage_offer", offer)
    if offer.organization.status != "active":
        raise WorkflowError(
            ErrorCode.ORGANIZATION_INACTIVE, _("Only an active organization can publish offers.")
        )
    if valid_until is None or valid_until <= max(offer.valid_until, timezone.localdate()):
        raise ValidationError(
            {"valid_until": _("Choose a date after the offer's current valid-until date.")}
        )
    offer.valid_until, offer.expiry_notice_sent_at = valid_until, None
    move(
        offer,
        Offer.FLOW["renew"],
        by=by,
        note=note,
        also=["valid_until", "expiry_notice_sent_at"],
    )
    return offer


def expire_offers(*, today: datetime.date | None = None) -> dict[str, int]:
    """Daily: warn owners a week ahead, then expire offers past their date. Idempotent.

    The expiry is the system's step (a Transition with no person), in batches.
    """
    today = today or timezone.localdate()
    warned = 0
    soon = Offer.objects.filter(
        state=Offer.State.ACTIVE,
        expiry_notice_sent_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS),
    ).select_related("organization")
    for offer in soon:
        with transaction.atomic():
            if not Offer.objects.filter(pk=offer.pk, expiry_notice_sent_at__isnull=True).update(
                expiry_notice_sent_at=timezone.now()
            ):
                continue
            notify(
                recipients=organization_members(offer.organization),
                kind="procurement.offer_expiring",
                title=_("Your offer “%(title)s” expires on %(day)s")
                % {"title": offer.title, "day": offer.valid_until},
                url=reverse("procurement:offers"),
            )
            warned += 1
    expired = move_many(
        Offer.objects.filter(valid_until__lt=today),
        Offer.FLOW["expire"],
        by=None,
        note=_("Expired automatically: its valid-until date has passed."),
    )
    return {"warned": warned, "expired": len(expired)}
