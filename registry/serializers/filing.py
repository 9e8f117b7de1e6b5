"""Filing of community groups (R3)."""

from rest_framework import serializers

from huitian.api.serializers import AreaRefSerializer, CategoryRefSerializer
from huitian.models import Area, Category
from registry.models import (
    Filing,
)


class FilingSerializer(serializers.ModelSerializer):
    state = serializers.CharField(
        read_only=True, help_text="submitted · returned · reviewed · filed · refused"
    )
    community = AreaRefSerializer(read_only=True)
    categories = CategoryRefSerializer(many=True, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    filing_number = serializers.CharField(
        source="organization.filing_number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Filing
        fields = [
            "id",
            "state",
            "state_display",
            "name",
            "community",
            "categories",
            "leader_name",
            "contact_phone",
            "member_count",
            "activities",
            "review_note",
            "submitted_at",
            "filed_at",
            "organization",
            "filing_number",
            "created_at",
        ]


class FilingInputSerializer(serializers.ModelSerializer):
    community = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.filter(is_active=True, level=Area.Level.COMMUNITY)
    )
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Category.objects.filter(is_active=True)
    )

    class Meta:
        model = Filing
        fields = list(Filing.GROUP_FIELDS)
