"""The four agency services (R6)."""

from rest_framework import serializers

from registry.models import (
    AgencyRecord,
)
from registry.serializers.common import OrganizationIdField


class AgencyRecordSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="custody · co_sign · training · errand")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    recorded_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = AgencyRecord
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "date",
            "title",
            "counterparty",
            "amount",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class AgencyRecordInputSerializer(serializers.ModelSerializer):
    organization = OrganizationIdField()

    class Meta:
        model = AgencyRecord
        fields = ["organization", "kind", "date", "title", "counterparty", "amount", "notes"]
