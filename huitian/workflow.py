"""Explicit state machines with recorded transitions.

A workflow model keeps a `state` field and declares its `Workflow` of named
`Step`s. `move()` takes a step: it refuses a step that is not allowed from the
current state (WorkflowError → 409 in the API, a message in the admin), claims
the change with a conditional UPDATE so two people racing produce one move,
and writes the Transition row that is the step's audit line.

Deliberately a small table rather than django-fsm: the rules for *who* may
take a step live in `rules` predicates checked by the services, and a step
here is just data, easy to list in a screen ("what can I do next").
"""

import dataclasses
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from huitian.models import Transition


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


def _label(obj, state_field: str, value: str) -> str:
    field_obj = obj._meta.get_field(state_field)
    return str(dict(field_obj.flatchoices).get(value, value))


def move(
    obj: models.Model, step: Step, *, by, note: str = "", field_name: str = "state"
) -> Transition:
    """Take `step` on `obj` or refuse with a reason. Call inside a transaction."""
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
    # Claim: exactly one of two concurrent callers sees its UPDATE match.
    won = (
        type(obj)
        ._default_manager.filter(pk=obj.pk, **{field_name: current})
        .update(**{field_name: step.target})
    )
    if won != 1:
        raise WorkflowError(
            "concurrent_change",
            _("Someone else changed this record a moment ago; reload it and try again."),
        )
    setattr(obj, field_name, step.target)
    return Transition.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        step=step.name,
        from_state=current,
        to_state=step.target,
        by=by if getattr(by, "pk", None) else None,
        note=note or "",
    )


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
        by=by if getattr(by, "pk", None) else None,
        note=note,
    )


def transitions_of(obj: models.Model):
    return (
        Transition.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        )
        .select_related("by")
        .order_by("at", "pk")
    )
