"""Explicit state machines with recorded transitions.

A workflow model keeps a `state` field and declares its `Workflow` of named
`Step`s. `move()` takes a step: it refuses a step that is not allowed from the
current state (WorkflowError → 409 in the API, a message in the admin), claims
the change with a conditional UPDATE so two people racing produce one move,
saves the record through the model (so django-simple-history writes its row,
with the acting user) and writes the Transition row that is the step's audit
line. `move_many()` does the same for a batch of rows (expiry, merges).

Deliberately a small table rather than django-fsm: the rules for *who* may
take a step live in `rules` predicates checked by the services, and a step
here is just data, easy to list in a screen ("what can I do next").
"""

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import bulk_update_with_history

from huitian.models import Transition
from huitian.validators import check_lengths

BATCH_SIZE = 500  # rows per transaction in move_many()


class WorkflowError(Exception):
    """An illegal workflow step or business rule refusal, with a reason (409)."""

    def __init__(self, code: str, detail, fields: dict | None = None):
        super().__init__(str(detail))
        self.code = code
        self.detail = detail
        self.fields = fields or {}


@dataclass(frozen=True)
class Step:
    name: str
    source: tuple[str, ...]
    target: str
    label: str = ""
    needs_note: bool = False  # a reason is required (rejections, returns)


@dataclass
class Workflow:
    steps: list[Step]
    field: str = "state"
    _by_name: dict = dataclasses.field(init=False, repr=False)

    def __post_init__(self):
        self._by_name = {s.name: s for s in self.steps}

    def __getitem__(self, name: str) -> Step:
        return self._by_name[name]

    def available(self, obj) -> list[Step]:
        state = getattr(obj, self.field)
        return [s for s in self.steps if state in s.source]


def _label(obj_or_model, state_field: str, value: str) -> str:
    field_obj = obj_or_model._meta.get_field(state_field)
    return str(dict(field_obj.flatchoices).get(value, value))


def _actor(by):
    """The acting user, or None when the system acted (a periodic job, an anonymous resident)."""
    return by if getattr(by, "pk", None) else None


def _auto_now_fields(model) -> list[str]:
    """Fields the model stamps on every save (a step is a change, so they move with it)."""
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def check_step(obj: models.Model, step: Step, *, note: str = "", field_name: str = "state") -> None:
    """Refuse `step` on `obj` with the reason `move()` would give, without taking it.

    For services that must do other work (create a record, take a number) between
    checking a step and taking it, so an illegal step is refused before that work.
    """
    current = getattr(obj, field_name)
    if current not in step.source:
        allowed = "、".join(_label(obj, field_name, s) for s in step.source)
        raise WorkflowError(
            "illegal_transition",
            _("Cannot “%(step)s”: it is %(current)s, and this step needs %(allowed)s.")
            % {
                "step": step.label or step.name,
                "current": _label(obj, field_name, current),
                "allowed": allowed,
            },
        )
    if step.needs_note and not (note or "").strip():
        raise WorkflowError(
            "reason_required",
            _("“%(step)s” needs a reason.") % {"step": step.label or step.name},
            fields={"note": [_("A reason is required for this step.")]},
        )
    # Checked here too, so a note a service builds (names of responders…) is refused in
    # words rather than by the database's constraint.
    check_lengths(note=(note or "", Transition.NOTE_MAX_LENGTH))


def move(
    obj: models.Model,
    step: Step,
    *,
    by,
    note: str = "",
    field_name: str = "state",
    also: Iterable[str] = (),
) -> Transition:
    """Take `step` on `obj` or refuse with a reason. Call inside a transaction.

    Claims the change with a conditional UPDATE (one winner when two race), then
    saves `obj` through the model with `update_fields` = the state field, the
    fields named in `also` (set them on `obj` before calling) and any `auto_now`
    field, so django-simple-history records the step with `by` as its user and
    the step's name as the change reason. No further save is needed.
    """
    check_step(obj, step, note=note, field_name=field_name)
    current = getattr(obj, field_name)
    model = type(obj)
    # Claim: exactly one of two concurrent callers sees its UPDATE match.
    won = model._default_manager.filter(pk=obj.pk, **{field_name: current}).update(
        **{field_name: step.target}
    )
    if won != 1:
        raise WorkflowError(
            "concurrent_change",
            _("Someone else changed this record a moment ago; reload it and try again."),
        )
    setattr(obj, field_name, step.target)
    obj._history_user = _actor(by)
    obj._change_reason = step.name
    try:
        fields = dict.fromkeys([field_name, *also, *_auto_now_fields(model)])
        obj.save(update_fields=list(fields))
    finally:
        del obj._change_reason  # a later plain save of this instance is not this step
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=obj.pk,
        step=step.name,
        from_state=current,
        to_state=step.target,
        by=_actor(by),
        note=note or "",
    )


def move_many(
    objs_or_qs,
    step: Step,
    *,
    by,
    note: str = "",
    changes: dict | None = None,
    field_name: str = "state",
    batch_size: int | None = None,
) -> list[int]:
    """Take `step` on every given row still in one of its source states; the ids moved.

    For the bulk paths (offer expiry, topic merge, …). In batches, each batch in one
    transaction: lock the rows (so the lock is the claim: a row another caller moved
    first no longer matches the source states and is left alone), set the state and
    `changes`, save them with one history row each (`by` as user, the step's name as
    reason), and write their Transition rows in one `bulk_create`. A re-run, or a
    retried task, records nothing twice. `by=None` means the system acted; say why in
    `note`.
    """
    if isinstance(objs_or_qs, models.QuerySet):
        queryset = objs_or_qs
    else:
        objs = list(objs_or_qs)
        if not objs:
            return []
        queryset = type(objs[0])._default_manager.filter(pk__in=[o.pk for o in objs])
    model = queryset.model
    batch_size = batch_size or BATCH_SIZE
    changes = dict(changes or {})
    actor = _actor(by)
    in_source = {f"{field_name}__in": step.source}
    content_type = ContentType.objects.get_for_model(model)
    candidates = list(queryset.filter(**in_source).order_by("pk").values_list("pk", flat=True))
    moved: list[int] = []
    for start in range(0, len(candidates), batch_size):
        chunk = candidates[start : start + batch_size]
        with transaction.atomic():
            rows = list(
                model._default_manager.select_for_update()
                .filter(pk__in=chunk, **in_source)
                .order_by("pk")
            )
            if not rows:
                continue
            transitions = [
                Transition(
                    content_type=content_type,
                    object_id=row.pk,
                    step=step.name,
                    from_state=getattr(row, field_name),
                    to_state=step.target,
                    by=actor,
                    note=note,
                )
                for row in rows
            ]
            stamped = dict.fromkeys(_auto_now_fields(model), timezone.now())
            for row in rows:
                setattr(row, field_name, step.target)
                for name, value in {**changes, **stamped}.items():
                    setattr(row, name, value)
            fields = list(dict.fromkeys([field_name, *changes, *stamped]))
            try:
                bulk_update_with_history(
                    rows,
                    model,
                    fields,
                    batch_size=batch_size,
                    default_user=actor,
                    default_change_reason=step.name,
                )
            except NotHistoricalModelError:
                model._default_manager.bulk_update(rows, fields, batch_size=batch_size)
            Transition.objects.bulk_create(transitions, batch_size=batch_size)
            moved += [row.pk for row in rows]
    return moved


# The first step of a record, by how it came to be (save_new / record_creation `step=`).
CREATION_STEPS = {
    "create": pgettext_lazy("workflow step", "Created"),
    "compile": pgettext_lazy("workflow step", "Compiled"),
    "demo": pgettext_lazy("workflow step", "Demo data"),
    "enter": pgettext_lazy("workflow step", "Entered by staff"),
    "file": pgettext_lazy("workflow step", "Filed online"),
    "promote": pgettext_lazy("workflow step", "Promoted from a topic"),
    "publish": pgettext_lazy("workflow step", "Published"),
    "raise": pgettext_lazy("workflow step", "Raised"),
    "register": pgettext_lazy("workflow step", "Registered"),
    "rule": pgettext_lazy("workflow step", "Entered by rule"),
    "upload": pgettext_lazy("workflow step", "Uploaded"),
}


def record_creation(
    obj: models.Model, *, by, state: str, note: str = "", step: str = "create"
) -> Transition:
    """The first line of a record's workflow history (from nothing to its first state)."""
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        step=step,
        from_state="",
        to_state=state,
        by=_actor(by),
        note=note,
    )


def save_new(obj: models.Model, *, by, step: str = "create", note: str = "") -> Transition:
    """Save a new workflow record through the model (its history row names `by`) and
    write its first Transition (from nothing to its initial state)."""
    obj._history_user = _actor(by)
    obj.save()
    field_name = getattr(getattr(type(obj), "FLOW", None), "field", "state")
    return record_creation(obj, by=by, state=getattr(obj, field_name), note=note, step=step)


def transitions_of(obj: models.Model):
    return (
        Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .select_related("by")
        .order_by("at", "pk")
    )
