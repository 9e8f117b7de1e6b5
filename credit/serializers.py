"""API shapes of the credit app: what is public about an organization's credit (C4)."""

from rest_framework import serializers

from credit.models import Appeal, CreditEvent, ListEntry, StarRating


class CreditBreakdownRowOut(serializers.Serializer):
    component = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.IntegerField(help_text="Percent of the score.")
    value = serializers.IntegerField(help_text="0–100 before weighting.")
    points = serializers.DecimalField(max_digits=5, decimal_places=2)
    why = serializers.CharField()


class CreditStarRatingOut(serializers.ModelSerializer):
    model_version = serializers.IntegerField(source="model.version")
    breakdown = CreditBreakdownRowOut(many=True)

    class Meta:
        model = StarRating
        fields = ["stars", "score", "model_version", "computed_on", "breakdown"]


class CreditEventOut(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = CreditEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "occurred_on",
            "effect",
            "expires_on",
            "summary",
            "reverses",
        ]


class CreditListEntryOut(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name")
    kind_display = serializers.CharField(source="get_kind_display")
    cause_display = serializers.CharField(source="get_cause_display")
    removed_on = serializers.DateField(allow_null=True)

    class Meta:
        model = ListEntry
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "cause",
            "cause_display",
            "legal_basis",
            "entered_on",
            "period_from",
            "state",
            "removed_on",
            "removal_reason",
        ]


class OrganizationCreditOut(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    rating = CreditStarRatingOut(allow_null=True)
    exclusion = serializers.CharField(
        allow_null=True,
        help_text="Why it may not take government purchases of services (on a list), or null.",
    )
    listed = CreditListEntryOut(many=True)
    entries = CreditListEntryOut(many=True)
    events = CreditEventOut(many=True)


class CreditReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class CreditAppealIn(serializers.Serializer):
    rating = serializers.IntegerField(required=False, allow_null=True)
    list_entry = serializers.IntegerField(required=False, allow_null=True)
    grounds = serializers.CharField(max_length=1000)


class CreditAppealDecisionIn(serializers.Serializer):
    uphold = serializers.BooleanField()
    reason = serializers.CharField(max_length=500)


class CreditAppealOut(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "organization",
            "rating",
            "list_entry",
            "grounds",
            "state",
            "decision",
            "submitted_at",
        ]
