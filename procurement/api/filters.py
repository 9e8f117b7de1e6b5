"""Query filters, handed to the selectors that do the reading."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from procurement import selectors
from procurement.models import Need, NeedsListEntry, Offer


class NeedFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=Need.State.choices)

    class Meta:
        model = Need
        fields = ["state"]

    def filter_queryset(self, queryset):
        # `queryset` is already the caller's scope (the view's `selectors.needs_for`):
        # scoping it again would read the area tree from the cache a second time.
        state = self.form.cleaned_data.get("state") or ""
        return queryset.filter(state=state) if state else queryset


class QueueFilter(filters.FilterSet):
    bucket = filters.ChoiceFilter(
        choices=[("all", _("All")), ("overdue", _("Overdue")), ("near_due", _("Near due"))],
        help_text=_("Overdue, due within a working day, or all open needs."),
    )

    class Meta:
        model = Need
        fields = ["bucket"]

    def filter_queryset(self, queryset):
        bucket = self.form.cleaned_data.get("bucket") or "all"
        return selectors.needs_for_queue(self.request.user, bucket=bucket)


class PublishedListFilter(filters.FilterSet):
    list = filters.NumberFilter(help_text=_("Id of a published list (default: the latest)."))
    street = filters.CharFilter(help_text=_("Street code."))
    category = filters.CharFilter(help_text=_("Category or category group code."))

    class Meta:
        model = NeedsListEntry
        fields = ["list", "street", "category"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        list_id = data.get("list")
        return selectors.published_list_entries(
            list_id=int(list_id) if list_id is not None else None,
            street=data.get("street") or "",
            category=data.get("category") or "",
        )


class OfferFilter(filters.FilterSet):
    category = filters.CharFilter(help_text=_("Category or category group code."))
    organization = filters.NumberFilter(help_text=_("Organization id."))
    free = filters.BooleanFilter(help_text=_("Only offers free of charge."))
    area = filters.CharFilter(help_text=_("Area code the offer serves."))

    class Meta:
        model = Offer
        fields = ["category", "organization", "free", "area"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        organization = data.get("organization")
        return selectors.active_offers(
            category=data.get("category") or "",
            organization=int(organization) if organization is not None else None,
            free=data.get("free"),
            area=data.get("area") or "",
        )
