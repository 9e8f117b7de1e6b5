from django import forms
from django.utils.translation import gettext_lazy as _

from credit.models import ListEntry
from huitian.forms import PortalFormMixin


class ListSearchForm(PortalFormMixin, forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("List"), required=False, choices=[("", _("Both lists")), *ListEntry.Kind.choices]
    )
    history = forms.BooleanField(label=_("Include removed entries"), required=False)

    def selection(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "kind": data.get("kind") or "",
            "search": data.get("q") or "",
            "current_only": not data.get("history"),
        }
