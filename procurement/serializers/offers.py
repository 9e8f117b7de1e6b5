"""The supply list (P3)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huitian.models import Area, Category
from procurement.models import Offer
from procurement.serializers.common import AreaRef, CategoryRef, OrganizationRef, text_field


class OfferIn(serializers.Serializer):
    organization = serializers.IntegerField(help_text=_("Id of your organization."))
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    title = text_field(120)
    description = text_field(2000)
    areas = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(is_active=True), many=True
    )
    capacity_per_month = serializers.IntegerField(min_value=1, max_value=100000, default=10)
    is_free = serializers.BooleanField(default=True)
    price_min = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    price_max = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    valid_until = serializers.DateField()


class OfferOut(serializers.ModelSerializer):
    organization = serializers.SerializerMethodField()
    category = CategoryRef()
    areas = AreaRef(many=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "organization",
            "category",
            "title",
            "description",
            "areas",
            "capacity_per_month",
            "is_free",
            "price_min",
            "price_max",
            "valid_until",
            "state",
        ]

    @extend_schema_field(OrganizationRef)
    def get_organization(self, offer):
        return {"id": offer.organization_id, "name": offer.organization.name}


class OfferStateOut(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
