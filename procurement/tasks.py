"""Celery tasks: thin wrappers taking ids; idempotent and safe to retry."""

from celery import shared_task


@shared_task(name="procurement.group_need")
def group_need(need_id: int) -> bool:
    from procurement.services.lists import group_need_now

    return group_need_now(need_id)


@shared_task(name="procurement.group_pending_needs")
def group_pending_needs(max_batches: int = 20) -> int:
    """Group what is pending now, in batches (the sweep does the same every minute)."""
    from procurement.services.lists import group_pending_needs as run

    done = 0
    for _ in range(max_batches):
        n = run(500)
        done += n
        if n < 500:
            break
    return done


@shared_task(name="procurement.compile_needs_list")
def compile_needs_list() -> int:
    from procurement.services.lists import compile_current_needs_list

    return compile_current_needs_list().pk


@shared_task(name="procurement.expire_offers")
def expire_offers() -> dict:
    from procurement.services.offers import expire_offers as run

    return run()
