from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huitian.forms import AreaChoiceField, PortalFormMixin
from huitian.models import Area, Category
from registry.models import (
    AnnualReport,
    Certification,
    Filing,
    Organization,
    RegistrationApplication,
)

PHONE = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})


def _category_field():
    return forms.ModelMultipleChoiceField(
        label=_("service categories"),
        queryset=Category.objects.filter(is_active=True, parent__isnull=False).order_by(
            "parent__sort_order", "sort_order"
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class RegistrationForm(PortalFormMixin, forms.ModelForm):
    home_area = AreaChoiceField(
        label=_("home area"),
        queryset=Area.objects.filter(is_active=True).exclude(level=Area.Level.DISTRICT),
    )
    categories = _category_field()

    class Meta:
        model = RegistrationApplication
        fields = list(RegistrationApplication.APPLICANT_FIELDS)
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3}), "contact_phone": PHONE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["legal_form"].choices = [
            c
            for c in self.fields["legal_form"].choices
            if c[0] != Organization.LegalForm.COMMUNITY_GROUP
        ]
        self.fields["registration_level"].choices = [
            c
            for c in self.fields["registration_level"].choices
            if c[0] != Organization.RegistrationLevel.FILED
        ]


class DocumentForm(PortalFormMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    file = forms.FileField(
        label=_("file"), help_text=_("PDF, JPG, PNG, DOCX or XLSX, at most 10 MB.")
    )


class FilingForm(PortalFormMixin, forms.ModelForm):
    community = AreaChoiceField(
        label=_("community"),
        queryset=Area.objects.filter(is_active=True, level=Area.Level.COMMUNITY),
    )
    categories = _category_field()

    class Meta:
        model = Filing
        fields = list(Filing.GROUP_FIELDS)
        widgets = {"activities": forms.Textarea(attrs={"rows": 3}), "contact_phone": PHONE}


class AnnualReportForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["year", "summary", "income", "expenditure", "file"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"file": _("PDF, JPG, PNG, DOCX or XLSX, at most 10 MB.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1


class CertificationForm(PortalFormMixin, forms.ModelForm):
    """A social enterprise applies for certification (R7) in the open batch."""

    class Meta:
        model = Certification
        fields = ["field", "description", "evidence"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "description": _(
                "Whom the enterprise serves, how its profits serve that purpose, and what shows it."
            ),
            "evidence": _("PDF, JPG, PNG, DOCX or XLSX, at most 10 MB."),
        }


class DirectoryForm(PortalFormMixin, forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False)
    street = forms.ModelChoiceField(
        label=_("Street/town"),
        queryset=Area.objects.filter(level=Area.Level.STREET).order_by("code"),
        required=False,
        empty_label=_("All"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(parent__isnull=True).order_by("sort_order"),
        required=False,
        empty_label=_("All"),
    )
    legal_form = forms.ChoiceField(
        label=_("legal form"),
        choices=[("", _("All")), *Organization.LegalForm.choices],
        required=False,
    )
