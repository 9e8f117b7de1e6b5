"""The record is the queue: needs with `grouped_at IS NULL` are grouped here."""

from huitian.sweep import register_sweeper


@register_sweeper("procurement.group_needs")
def group_needs(batch_size: int) -> int:
    from procurement.services.lists import group_pending_needs

    return group_pending_needs(batch_size)
