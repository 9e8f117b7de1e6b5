from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from huitian.forms import AreaChoiceField, PortalFormMixin
from huitian.models import Area, Category
from huitian.validators import validate_clean_text, validate_phone
from procurement.services.needs import LIMITS


class CategoriesByGroup(ModelChoiceIterator):
    """Leaf categories under their group (<optgroup>), in the taxonomy's order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list] = {}
        for category in self.queryset:
            groups.setdefault(category.parent.name, []).append(self.choice(category))
        yield from groups.items()


class CategoryChoiceField(forms.ModelChoiceField):
    iterator = CategoriesByGroup

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Category.objects.filter(is_active=True, parent__isnull=False)
            .select_related("parent")
            .order_by("parent__sort_order", "parent__code", "sort_order", "code"),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return obj.name


def _plain_limit(limit: int) -> dict:
    """The length refusal in plain words (Django's reads "Ensure this value has…")."""
    return {
        "max_length": _(
            "Please keep it to %(limit_value)d characters; this has %(show_value)d. "
            "Shorten it a little."
        )
    }


class NeedForm(PortalFormMixin, forms.Form):
    community = AreaChoiceField(
        label=_("Community"),
        empty_label=_("Choose your community"),
        queryset=Area.objects.filter(level=Area.Level.COMMUNITY, is_active=True),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=LIMITS["title"],
        validators=[validate_clean_text],
        error_messages=_plain_limit(LIMITS["title"]),
    )
    text = forms.CharField(
        label=_("What is the problem?"),
        max_length=LIMITS["text"],
        widget=forms.Textarea(attrs={"rows": 5}),
        validators=[validate_clean_text],
        error_messages=_plain_limit(LIMITS["text"]),
    )
    category = CategoryChoiceField(
        label=_("Category"),
        empty_label=_("Choose what it is about"),
        help_text=_("Type a word to search; we suggest one from what you wrote."),
    )
    address = forms.CharField(
        label=_("Address (optional)"),
        max_length=LIMITS["address"],
        required=False,
        validators=[validate_clean_text],
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=LIMITS["contact_name"],
        required=False,
        validators=[validate_clean_text],
    )
    contact_phone = forms.CharField(
        label=_("Phone (only the handling staff see it)"),
        max_length=LIMITS["contact_phone"],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        required=False,
        validators=[validate_phone],
        help_text=_("Any way you write it: 138-1234-5678, 138 1234 5678 or 13812345678."),
    )
    anonymous = forms.BooleanField(label=_("Submit anonymously"), required=False)


class TrackForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=12,
        help_text=_("The 10 letters and digits shown after you submitted, e.g. XVVDPD4AEV."),
    )


class LinkNeedForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=12,
        help_text=_("Raised a need before you had an account? Add it here with its code."),
    )


class RateForm(PortalFormMixin, forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        coerce=int,
        choices=[(5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"), (2, "2 ★★"), (1, "1 ★")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Your comment (optional)"),
        required=False,
        max_length=LIMITS["comment"],
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_clean_text],
    )


class ReopenForm(PortalFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Why reopen?"),
        max_length=LIMITS["note"],
        required=False,  # the service asks for the reason (and says so beside this field)
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_clean_text],
    )


class OfferForm(PortalFormMixin, forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    category = forms.ModelChoiceField(
        label=_("Category"),
        empty_label=_("Choose what it is about"),
        queryset=Category.objects.filter(is_active=True, parent__isnull=False),
    )
    title = forms.CharField(label=_("Title"), max_length=120, validators=[validate_clean_text])
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_clean_text],
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Communities or streets served"),
        queryset=Area.objects.filter(is_active=True)
        .exclude(level=Area.Level.DISTRICT)
        .order_by("code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("On a computer, hold Ctrl (⌘ on a Mac) to choose several."),
    )
    capacity_per_month = forms.IntegerField(label=_("Capacity per month"), min_value=1, initial=10)
    is_free = forms.BooleanField(label=_("Free of charge"), required=False, initial=True)
    price_min = forms.DecimalField(
        label=_("Price from (yuan)"), required=False, min_value=0, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Price up to (yuan)"), required=False, min_value=0, decimal_places=2
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class RespondForm(PortalFormMixin, forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    brings = forms.CharField(
        label=_("What we bring"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_clean_text],
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class ConfirmMatchForm(PortalFormMixin, forms.Form):
    organization = forms.IntegerField(label=_("Organization"), min_value=1)
