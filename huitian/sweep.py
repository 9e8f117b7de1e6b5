"""The record is the queue (DESIGN.md).

Work that must never be lost is a column on its row (e.g. `grouped_at IS
NULL`). A Celery message only makes it faster: `enqueue_on_commit` sends it
after the transaction commits and, if the broker is down, logs and moves on.
A periodic job (`huitian.run_sweepers`, every minute) calls every
registered sweeper, which picks up the rows still pending in batches.

Apps register sweepers in a `sweeps.py` module:

    @register_sweeper("procurement.group_needs")
    def group_pending_needs(batch_size: int) -> int:
        ...  # process up to batch_size pending rows; return how many
"""

import logging
from collections.abc import Callable

from django.db import connection, transaction
from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)

Sweeper = Callable[[int], int]
_sweepers: dict[str, Sweeper] = {}
_discovered = False


def register_sweeper(name: str) -> Callable[[Sweeper], Sweeper]:
    def decorator(func: Sweeper) -> Sweeper:
        _sweepers[name] = func
        return func

    return decorator


def unregister_sweeper(name: str) -> None:
    _sweepers.pop(name, None)


def sweepers() -> dict[str, Sweeper]:
    global _discovered
    if not _discovered:
        autodiscover_modules("sweeps")
        _discovered = True
    return dict(_sweepers)


def run_sweepers(batch_size: int) -> dict[str, int]:
    """Run each sweeper once; one failing sweeper does not stop the others."""
    done: dict[str, int] = {}
    for name, sweeper in sorted(sweepers().items()):
        try:
            done[name] = sweeper(batch_size)
        except Exception:
            logger.exception("sweeper %s failed; it will run again on the next beat", name)
            done[name] = -1
    return done


def send_task(task, *args, **kwargs) -> bool:
    """Publish now; a broker error is logged, never raised (the sweep will catch up)."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
    except Exception as exc:  # broker down, timeout, misconfiguration: never the caller's problem
        logger.warning(
            "could not enqueue %s%r (%s: %s); the periodic sweep will pick the row up",
            getattr(task, "name", task),
            args,
            exc.__class__.__name__,
            exc,
        )
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Enqueue `task` once the current transaction has committed."""
    transaction.on_commit(lambda: send_task(task, *args, **kwargs))


def claim_batch(queryset, *, batch_size: int) -> list[int]:
    """Ids of up to `batch_size` pending rows, locked so two sweeps never take the same row.

    Call inside `transaction.atomic()`. Rows another worker holds are skipped.
    """
    qs = queryset.order_by("pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs.values_list("pk", flat=True)[:batch_size])
