"""The one bridge from a service's refusal to a form's field errors.

Services raise `ValidationError` (field → messages) or `WorkflowError` (code,
reason, optional fields). Portal views and admin forms call
`apply_service_errors(form, exc)` so every screen shows the service's own
reasons beside the fields they concern; no form repeats a rule.

`PortalFormMixin` is the one styling of portal forms; with the kernel partial
`templates/huitian/_field.html` every form shows its errors beside the field.
"""

from collections import Counter

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.boundfield import BoundField
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from huitian.models import Area
from huitian.workflow import WorkflowError

SERVICE_ERRORS = (ValidationError, WorkflowError, PermissionDenied)


def apply_service_errors(form, exc: Exception) -> None:
    """Put a service refusal on `form`: by field where the service named one."""

    def _put(field, messages):
        form.add_error(field if field in form.fields else None, messages)

    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            _put(field, errors)
    elif isinstance(exc, WorkflowError):
        form.add_error(None, str(exc.detail))
        for field, messages in exc.fields.items():
            _put(field, messages)
    elif isinstance(exc, PermissionDenied):
        form.add_error(None, str(getattr(exc, "detail", "") or exc))
    else:
        form.add_error(None, getattr(exc, "messages", [str(exc)]))


class PortalBoundField(BoundField):
    """A bound field whose widget says `is-invalid` when the field has errors.

    Django already adds `aria-invalid` and points `aria-describedby` at
    `<id>_helptext` and `<id>_error`, which `templates/huitian/_field.html` renders.
    """

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            classes = attrs.get("class") or widget.attrs.get("class", "")
            attrs["class"] = f"{classes} is-invalid".strip()
        return attrs


def widget_class(widget: forms.Widget) -> str:
    """The Bootstrap class a portal widget wears."""
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
        return "form-check-input"  # CheckboxSelectMultiple is a RadioSelect
    if isinstance(widget, forms.Select):  # SelectMultiple too
        return "form-select"
    return "form-control"


EMPTY_CHOICE = "---------"  # Django's blank option, which means nothing to a resident


class PortalFormMixin:
    """Bootstrap styling for every portal form (the one copy; admin forms keep the admin's).

    Each widget gets its class (form-control / form-select / form-check-input),
    `is-invalid` once bound with errors, a `maxlength` where the field has one, and
    "请选择…" instead of Django's "---------" as a select's blank choice.
    Render each field with `{% include "huitian/_field.html" %}`.
    """

    bound_field_class = PortalBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            widget.attrs.setdefault("class", widget_class(widget))
            if getattr(field, "empty_label", None) == EMPTY_CHOICE:
                field.empty_label = _("Choose…")
            elif isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                field.choices = [
                    ("", _("Choose…")) if value == "" and label == EMPTY_CHOICE else (value, label)
                    for value, label in field.choices
                ]
            max_length = getattr(field, "max_length", None)
            if max_length and not isinstance(widget, forms.Select | forms.RadioSelect):
                widget.attrs.setdefault("maxlength", str(max_length))


class AreasByStreet(ModelChoiceIterator):
    """Areas under their street (<optgroup>): 146 communities are easier to find on a phone.

    A street heads its own group; the queryset orders by code and selects `parent`.
    Two communities of the same name in different streets would look alike once chosen
    (a select shows only the option's label), so those two say "街道 · 社区".
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        areas = list(self.queryset)
        names = Counter(area.name for area in areas)
        groups: dict[str, list] = {}
        for area in areas:
            street = area if area.level == Area.Level.STREET else area.parent
            value, label = self.choice(area)
            if names[area.name] > 1 and street is not None and street is not area:
                label = f"{street.name} · {label}"
            groups.setdefault(street.name if street else "", []).append((value, label))
        yield from groups.items()


class AreaChoiceField(forms.ModelChoiceField):
    """Choose a community (or street) from a list grouped by street."""

    iterator = AreasByStreet

    def __init__(self, *, queryset, **kwargs):
        super().__init__(queryset=queryset.select_related("parent").order_by("code"), **kwargs)

    def label_from_instance(self, obj):
        return obj.name
