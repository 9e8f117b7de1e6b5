"""Residents' account forms (portal): sign-up, sign-in with a code, erasure."""

from django import forms
from django.utils.translation import gettext_lazy as _

from huitian.forms import AreaChoiceField, PortalFormMixin
from huitian.models import Area

PHONE_ATTRS = {"inputmode": "tel", "autocomplete": "tel"}
CODE_ATTRS = {"inputmode": "numeric", "autocomplete": "one-time-code"}


class SignUpForm(PortalFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs=PHONE_ATTRS)
    )
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        required=False,  # not yet when asking for the code; the service asks for it after
        widget=forms.TextInput(attrs=CODE_ATTRS),
        help_text=_("Press “Send code” first; the code comes by SMS within a minute."),
    )
    community = AreaChoiceField(
        label=_("Your community"),
        empty_label=_("Choose your community"),
        queryset=Area.objects.filter(level=Area.Level.COMMUNITY, is_active=True),
        required=False,
    )
    real_name = forms.CharField(label=_("Your name (optional)"), max_length=30, required=False)
    password = forms.CharField(
        label=_("Password (optional)"),
        max_length=128,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Without a password you sign in with a code sent by SMS."),
    )


class CodeSignInForm(PortalFormMixin, forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"), max_length=20, widget=forms.TextInput(attrs=PHONE_ATTRS)
    )
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        required=False,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )


class EraseAccountForm(PortalFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete my account and my personal data."), required=True
    )
