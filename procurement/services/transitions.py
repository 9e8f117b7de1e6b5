"""Workflow steps of procurement records, one at a time or in batches.

`take_step` is `huitian.workflow.move()` followed by a save through the model,
so both the Transition row (the audit line) and django-simple-history's row are
written. `take_step_in_bulk` does the same for many rows (offer expiry, topic
merge, …): in batches, each batch locked, moved and recorded in one
transaction with `bulk_update_with_history` and one `bulk_create` of
Transition rows. Rows already past the step are left alone, so a re-run (or a
retried task) records nothing twice. `by=None` means the system acted (a
periodic job); the transition's note says which.
"""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from huitian.models import Transition
from huitian.workflow import Step, move

BATCH_SIZE = 500


def _actor(by):
    return by if getattr(by, "pk", None) else None


def take_step(obj, step: Step, *, by, note: str = "", update_fields: Iterable[str] = ()):
    """Move `obj` by `step` and save it (with `update_fields`) so history records it."""
    transition = move(obj, step, by=by, note=note)
    obj._history_user = _actor(by)
    obj.save(update_fields=["state", *update_fields])
    return transition


def take_step_in_bulk(
    queryset,
    step: Step,
    *,
    by,
    note: str = "",
    changes: dict | None = None,
    batch_size: int | None = None,
) -> list[int]:
    """Take `step` on every row of `queryset` still in one of its source states.

    `changes` are other fields set with the state (e.g. `merged_into`). Returns the
    ids moved. Each batch is its own transaction when called outside one.
    """
    model = queryset.model
    batch_size = batch_size or BATCH_SIZE
    changes = changes or {}
    actor = _actor(by)
    content_type = ContentType.objects.get_for_model(model)
    candidates = list(
        queryset.filter(state__in=step.source).order_by("pk").values_list("pk", flat=True)
    )
    moved: list[int] = []
    for start in range(0, len(candidates), batch_size):
        chunk = candidates[start : start + batch_size]
        with transaction.atomic():
            rows = list(
                model._default_manager.select_for_update()
                .filter(pk__in=chunk, state__in=step.source)
                .order_by("pk")
            )
            if not rows:
                continue
            transitions = [
                Transition(
                    content_type=content_type,
                    object_id=row.pk,
                    step=step.name,
                    from_state=row.state,
                    to_state=step.target,
                    by=actor,
                    note=note,
                )
                for row in rows
            ]
            for row in rows:
                row.state = step.target
                for field, value in changes.items():
                    setattr(row, field, value)
            bulk_update_with_history(
                rows,
                model,
                ["state", *changes],
                batch_size=batch_size,
                default_user=actor,
                default_change_reason=step.name,
            )
            Transition.objects.bulk_create(transitions, batch_size=batch_size)
            moved += [row.pk for row in rows]
    return moved
