"""Deregistration and the liquidation inventory (R9)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry import selectors
from registry.models import (
    Deregistration,
    LiquidationAsset,
)
from registry.serializers.common import OrganizationIdField


class LiquidationAssetSerializer(serializers.ModelSerializer):
    disposal_display = serializers.CharField(source="get_disposal_display", read_only=True)

    class Meta:
        model = LiquidationAsset
        fields = [
            "id",
            "description",
            "value",
            "disposal",
            "disposal_display",
            "disposed_value",
            "recipient",
        ]
        read_only_fields = ["disposal", "disposed_value", "recipient"]


class DisposalSerializer(serializers.Serializer):
    asset = serializers.IntegerField(help_text=_("Id of an asset of this deregistration."))
    disposal = serializers.ChoiceField(
        choices=[c for c in LiquidationAsset.Disposal.choices if c[0]]
    )
    disposed_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    recipient = serializers.CharField(max_length=200)


class DeregistrationSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text="applied · liquidating · deregistered")
    kind = serializers.CharField(
        read_only=True, help_text="dissolution · merger · split · guided_exit"
    )
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    assets = LiquidationAssetSerializer(many=True, read_only=True)
    inventory_problems = serializers.SerializerMethodField()

    class Meta:
        model = Deregistration
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "reason",
            "surviving_organization",
            "state",
            "state_display",
            "assets",
            "inventory_problems",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_inventory_problems(self, dereg) -> list[str]:
        if dereg.state != Deregistration.State.LIQUIDATING:
            return []
        return [str(p) for p in selectors.inventory_problems(dereg)]


class DeregistrationInputSerializer(serializers.ModelSerializer):
    organization = OrganizationIdField()

    class Meta:
        model = Deregistration
        fields = ["organization", "kind", "reason", "surviving_organization"]
