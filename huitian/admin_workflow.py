"""Workflow steps on the staff screens: buttons on a record's page, a role-aware dropdown.

An admin declares which of its changelist actions take which step of the model's
`huitian.workflow.Workflow`, the rule the service checks (`huitian.access.require`)
and the roles that may take it at all:

    workflow_steps = {
        "accept_selected": StepRule("accept", perm="procurement.handle_need", roles=HANDLERS),
    }

Then, with no template of its own:

- the change page shows the record's next steps the user may take as buttons (a step
  whose source states hold the record's state, and whose rule the user passes); a step
  a service's `why_not_…` refuses shows greyed with the reasons (`StepRule.why_not`);
- a button runs the very action the changelist runs, on this one record (actions that
  ask for a reason first show their intermediate page), then comes back to the record;
- the action dropdown offers only the steps the user's roles may take;
- a step's action that moved no record and said nothing says so.

The service stays the only judge: a button or an action that slips through is still
refused by it, in words.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from simple_history.template_utils import HistoricalRecordContextHelper

from huitian.access import grants


@dataclass(frozen=True)
class StepRule:
    """How a changelist action maps to a workflow step and who may take it."""

    step: str  # a Step name in the model's workflow
    perm: str = ""  # the rule the service requires on the record ("" = the scope decides)
    roles: tuple | None = None  # staff roles that may take it at all (None: any writer)
    perm_on: str = ""  # attribute of the record the rule is checked on ("" = the record)
    why_not: Callable | None = None  # (obj, user) -> list of reasons the service would refuse
    flow: str = "FLOW"  # the model's attribute that holds the Workflow


def _queued(request) -> int:
    storage = getattr(request, "_messages", None)
    return len(getattr(storage, "_queued_messages", ()) or ())


def _reporting(func, label: str, field: str):
    """Wrap a step's action so that one which moved no record and said nothing says so."""

    def run(modeladmin, request, queryset):
        before = _queued(request)
        states = dict(queryset.values_list("pk", field))
        response = func(modeladmin, request, queryset)
        if response is not None or _queued(request) != before:
            return response
        moved = dict(queryset.model._default_manager.filter(pk__in=states).values_list("pk", field))
        if moved == states:
            modeladmin.message_user(
                request,
                _("Nothing was changed: none of the selected records could be “%(action)s”.")
                % {"action": label},
                messages.WARNING,
            )
        return response

    run.__name__ = getattr(func, "__name__", "action")
    return run


class _WordsHelper(HistoricalRecordContextHelper):
    """History changes in words: choice labels, yes/no, a dash for nothing (not "None")."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, BooleanField):
            return pgettext("history value", "Yes") if value else pgettext("history value", "No")
        return super().prepare_delta_change_value(change, value)


class HistoryInWordsMixin:
    """History pages in the clerk's words: a step's label as the change reason ("Reject",
    not "reject"), state labels instead of codes, "—" instead of None."""

    def get_historical_record_context_helper(self, request, historical_record):
        return _WordsHelper(self.model, historical_record)

    def step_label(self, code: str) -> str:
        from huitian.workflow import CREATION_STEPS, Workflow

        for flow in vars(self.model).values():
            if isinstance(flow, Workflow) and code in flow._by_name:
                step = flow[code]
                return str(step.label or step.name)
        return str(CREATION_STEPS.get(code, code))

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        records = list(historical_records)
        super().set_history_delta_changes(request, records, *args, **kwargs)
        for record in records:
            if record.history_change_reason:
                record.history_change_reason = self.step_label(record.history_change_reason)


class WorkflowActionsMixin(HistoryInWordsMixin):
    """Step buttons on the change page and a role-aware action dropdown (see module doc)."""

    workflow_steps: dict[str, StepRule] = {}

    # --- who may --------------------------------------------------------------------
    def role_may_take(self, request, rule: StepRule) -> bool:
        user = request.user
        if user.is_superuser:
            return True
        writing = [g for g in grants(user) if g.is_staff and g.can_write]
        if rule.roles is None:
            return bool(writing)
        return any(g.role in rule.roles for g in writing)

    def may_take(self, request, obj, rule: StepRule) -> bool:
        if not self.role_may_take(request, rule):
            return False
        if not rule.perm:
            return True
        target = getattr(obj, rule.perm_on) if rule.perm_on else obj
        return request.user.has_perm(rule.perm, target)

    def workflow_of(self, rule: StepRule):
        return getattr(self.model, rule.flow, None)

    def next_steps(self, request, obj) -> list[dict]:
        """The steps the user may take on `obj` now, each with its action and reasons."""
        found = []
        for action, rule in self.workflow_steps.items():
            flow = self.workflow_of(rule)
            if flow is None:
                continue
            step = flow[rule.step]
            if getattr(obj, flow.field) not in step.source:
                continue
            if not self.may_take(request, obj, rule):
                continue
            reasons = list(rule.why_not(obj, request.user)) if rule.why_not else []
            found.append(
                {
                    "action": action,
                    "step": step.name,
                    "label": step.label or step.name,
                    "needs_note": step.needs_note,
                    "reasons": reasons,
                }
            )
        return found

    def allowed_step_names(self, request, obj) -> set[str]:
        return {s["step"] for s in self.next_steps(request, obj) if not s["reasons"]}

    # --- the dropdown ---------------------------------------------------------------
    def get_actions(self, request):
        actions = super().get_actions(request)
        kept = {}
        for name, (func, action_name, description) in actions.items():
            rule = self.workflow_steps.get(name)
            flow = self.workflow_of(rule) if rule is not None else None
            if rule is not None and not self.role_may_take(request, rule):
                continue
            if flow is not None:
                func = _reporting(func, str(description), flow.field)
            kept[name] = (func, action_name, description)
        return kept

    # --- the change page ------------------------------------------------------------
    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        wanted = self.workflow_steps and "workflow_buttons" not in extra_context
        if wanted and request.method in ("GET", "HEAD"):
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                offered = self.get_actions(request)
                extra_context["workflow_buttons"] = [
                    s for s in self.next_steps(request, obj) if s["action"] in offered
                ]
                extra_context["workflow_step_url"] = reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_step",
                    args=[obj.pk],
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id):
        """Run one workflow action on this record; back to its page unless it asks more."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        name = request.POST.get("action", "")
        actions = self.get_actions(request)
        if name not in self.workflow_steps or name not in actions:
            raise PermissionDenied
        queryset = self.get_queryset(request).filter(pk=obj.pk)
        response = actions[name][0](self, request, queryset)
        if response is not None:
            return response
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[obj.pk])
        )

    def get_urls(self):
        urls = super().get_urls()
        if not self.workflow_steps:
            return urls
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/step/",
                self.admin_site.admin_view(self.step_view),
                name=f"{info[0]}_{info[1]}_step",
            ),
            *urls,
        ]


class AreaPickersMixin:
    """Community and street pickers grouped under their street (<optgroup>), as on the
    resident form (`huitian.forms.AreasByStreet`), instead of a flat list of ~150 names.
    Autocomplete and raw-id fields are left as they are."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from huitian.forms import AreasByStreet
        from huitian.models import Area

        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if (
            field is not None
            and db_field.related_model is Area
            and db_field.name not in self.get_autocomplete_fields(request)
            and db_field.name not in self.raw_id_fields
        ):
            field.iterator = AreasByStreet
            field.label_from_instance = lambda area: area.name
            # Re-setting the queryset hands the widget the grouped choices.
            field.queryset = field.queryset.select_related("parent").order_by("code")
        return field
