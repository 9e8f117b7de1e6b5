"""Portal forms of the volunteers app; rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huitian.forms import AreaChoiceField, PortalFormMixin
from huitian.models import Area


class RegisterForm(PortalFormMixin, forms.Form):
    real_name = forms.CharField(label=_("Real name"), max_length=50)
    # Never echoed back: a refused form shows the field empty (render_value off).
    id_number = forms.CharField(
        label=_("Identity card number"),
        max_length=18,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Checked and kept as a keyed fingerprint; only the last four are shown."),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    community = AreaChoiceField(
        label=_("Community"), queryset=Area.objects.filter(level="community", is_active=True)
    )
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    availability = forms.CharField(label=_("Availability"), max_length=200, required=False)


class CodeForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code shown at the venue"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class HoursForm(PortalFormMixin, forms.Form):
    hours = forms.DecimalField(
        label=_("Hours served"), max_digits=6, decimal_places=2, min_value=0, required=False
    )


class CopyForm(PortalFormMixin, forms.Form):
    community = AreaChoiceField(
        label=_("Community"), queryset=Area.objects.filter(level="community", is_active=True)
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
