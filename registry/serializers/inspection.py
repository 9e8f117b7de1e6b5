"""Annual reports (R8) and administrative interviews (R9)."""

from rest_framework import serializers

from registry.models import (
    AnnualReport,
    Interview,
)
from registry.serializers.common import OrganizationIdField


class AnnualReportSerializer(serializers.ModelSerializer):
    # Blank until the report is concluded: documented as "" or one of the conclusions.
    conclusion = serializers.ChoiceField(
        choices=AnnualReport.Conclusion.choices, allow_blank=True, read_only=True
    )
    conclusion_display = serializers.CharField(source="get_conclusion_display", read_only=True)

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "organization",
            "year",
            "summary",
            "income",
            "expenditure",
            "file",
            "submitted_at",
            "conclusion",
            "conclusion_display",
            "concluded_at",
        ]
        read_only_fields = ["submitted_at", "conclusion", "concluded_at"]


class AnnualReportInputSerializer(serializers.Serializer):
    """A member submits the organization's report for one year (multipart, the file optional).
    Uniqueness per year is the service's rule (409), checked after the 404 of visibility."""

    organization = OrganizationIdField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    summary = serializers.CharField()
    income = serializers.DecimalField(max_digits=14, decimal_places=2, default=0)
    expenditure = serializers.DecimalField(max_digits=14, decimal_places=2, default=0)
    file = serializers.FileField(required=False, allow_null=True)


class ConclusionSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=AnnualReport.Conclusion.choices)


class InterviewSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    conducted_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id",
            "organization",
            "organization_name",
            "reason",
            "reason_display",
            "details",
            "held_on",
            "outcome",
            "follow_up_on",
            "conducted_by",
        ]


class InterviewInputSerializer(serializers.ModelSerializer):
    organization = OrganizationIdField()

    class Meta:
        model = Interview
        fields = ["organization", "reason", "details", "held_on"]


class InterviewOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)
