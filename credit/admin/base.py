"""What the credit admins share."""

from contextlib import contextmanager

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import ScopedAdmin


@contextmanager
def refused_beside(field: str):
    """ "Not allowed for this organization" shown beside the organization field."""
    try:
        yield
    except PermissionDenied as exc:
        raise ValidationError({field: [str(getattr(exc, "detail", exc))]}) from exc


class ReadOnlyAdmin(ScopedAdmin):
    """No door edits or deletes these rows (the database refuses it too)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DecisionForm(forms.ModelForm):
    """A decision on a record (yes or no) with the reason, for `change_with_service`."""

    verdict = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
    )
    reason = forms.CharField(label=_("reason"), max_length=500, widget=forms.Textarea)

    class Meta:
        fields: list[str] = []
