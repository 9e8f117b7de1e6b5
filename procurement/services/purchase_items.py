"""Purchase-service items (购买服务清单): a topic promoted with a budget and a standard."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import User
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, save_new
from procurement.error_codes import ErrorCode
from procurement.models import PurchaseItem, Topic, limits
from procurement.services.titles import screen_public_text


def _positive_budget(value) -> Decimal:
    try:
        budget = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        budget = Decimal(0)
    if not budget.is_finite() or budget <= 0:
        raise WorkflowError(
            ErrorCode.INVALID_BUDGET,
            _("Give a positive budget."),
            fields={"estimated_budget": [_("Must be above zero.")]},
        )
    return budget.quantize(Decimal("0.01"))


@transaction.atomic
def promote_topic(
    *, topic_id: int, by: User, estimated_budget: Decimal, service_standard: str, title: str = ""
) -> PurchaseItem:
    """Turn a topic into a purchase-service item (used by the purchases issue)."""
    check_lengths(service_standard=(service_standard, limits.SERVICE_STANDARD))
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    require(by, "procurement.edit_topic", topic)
    if topic.state == Topic.State.MERGED:
        raise WorkflowError(ErrorCode.TOPIC_MERGED, _("This topic was merged into another one."))
    if PurchaseItem.objects.filter(topic=topic).exists():
        raise WorkflowError(
            ErrorCode.ALREADY_PROMOTED, _("This topic is already a purchase-service item.")
        )
    budget = _positive_budget(estimated_budget)
    item = PurchaseItem(
        topic=topic,
        title=screen_public_text((title or topic.title)[:120])[0],
        estimated_budget=budget,
        service_standard=service_standard,
        created_by=by,
    )
    item.full_clean()
    save_new(item, by=by, step="promote")
    return item


@transaction.atomic
def update_purchase_item(
    *, item_id: int, by: User, title: str, estimated_budget: Decimal, service_standard: str
) -> PurchaseItem:
    """Staff correct an item's title, budget or standard (its state moves only by steps)."""
    check_lengths(service_standard=(service_standard, limits.SERVICE_STANDARD))
    item = PurchaseItem.objects.select_for_update().select_related("topic").get(pk=item_id)
    require(by, "procurement.edit_topic", item.topic)
    item.estimated_budget = _positive_budget(estimated_budget)
    item.title = screen_public_text((title or "").strip()[:120])[0]
    item.service_standard = service_standard
    item.full_clean()
    item._history_user = by
    item.save(update_fields=["title", "estimated_budget", "service_standard"])
    return item
