"""The record is the queue: ungrouped needs and stalled 12345 imports are picked up here."""

from huitian.sweep import register_sweeper


@register_sweeper("procurement.group_needs")
def group_needs(batch_size: int) -> int:
    from procurement.services.lists import group_pending_needs

    return group_pending_needs(batch_size)


@register_sweeper("procurement.need_imports")
def need_imports(batch_size: int) -> int:
    from procurement.services.imports import resume_stalled_imports

    return resume_stalled_imports(batch_size)


@register_sweeper("procurement.need_deadline_alerts")
def need_deadline_alerts(batch_size: int) -> int:
    from procurement.services.alerts import send_need_deadline_alerts

    return send_need_deadline_alerts(limit=batch_size)
