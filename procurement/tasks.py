"""Celery tasks: thin wrappers taking ids; idempotent and safe to retry."""

from celery import shared_task

# Connects the worker-start signals that load jieba's dictionary once per worker.
import procurement.text  # noqa: F401


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


@shared_task(name="procurement.run_need_import")
def run_need_import(import_id: int) -> int:
    """Work through a stored 12345 export; hands itself on after a time budget."""
    from procurement.services.imports import run_need_import as run

    return run(import_id=import_id).rows_done


@shared_task(name="procurement.need_deadline_alerts", acks_late=True)
def need_deadline_alerts() -> int:
    """Tell the handling staff about needs near or past a deadline (each alert once)."""
    from procurement.services.alerts import send_need_deadline_alerts

    return send_need_deadline_alerts()
