"""Social-enterprise certification (R7)."""

from rest_framework import serializers

from registry.models import (
    Certification,
)
from registry.serializers.common import OrganizationIdField


class CertificationSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text="submitted · certified · refused")
    batch = serializers.IntegerField(source="batch.year", read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "batch",
            "organization",
            "field",
            "description",
            "evidence",
            "state",
            "certificate_number",
            "valid_until",
            "decision_note",
            "created_at",
        ]
        read_only_fields = ["certificate_number", "valid_until", "decision_note", "created_at"]


class CertificationInputSerializer(serializers.ModelSerializer):
    organization = OrganizationIdField()

    class Meta:
        model = Certification
        fields = ["organization", "field", "description", "evidence"]
