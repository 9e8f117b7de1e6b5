from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from credit.models import ListEntry, Nomination
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


class VoiceForm(PortalFormMixin, forms.Form):
    """Rate a service, or complain about it, for a need or activity the resident took part in."""

    subject = forms.ChoiceField(label=_("Service"))
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        required=False,
    )
    text = forms.CharField(
        label=_("Comment or complaint"), required=False, max_length=1000, widget=forms.Textarea
    )

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "—"), *subjects]

    def subject_ids(self) -> dict:
        kind, _sep, pk = self.cleaned_data["subject"].partition(":")
        return {"need_id": int(pk)} if kind == "need" else {"activity_id": int(pk)}


class HonourRollForm(PortalFormMixin, forms.Form):
    year = forms.TypedChoiceField(label=pgettext_lazy("credit", "Year"), required=False, coerce=int)
    kind = forms.ChoiceField(
        label=_("Honour"),
        required=False,
        choices=[("", _("All honours")), *Nomination.Kind.choices],
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]

    def selection(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"year": data.get("year") or None, "kind": data.get("kind") or ""}


class AppealForm(PortalFormMixin, forms.Form):
    grounds = forms.CharField(label=_("grounds"), max_length=1000, widget=forms.Textarea)
