"""API shapes of the credit app: what is public about an organization's credit (C4)."""

from rest_framework import serializers

from credit.models import (
    Appeal,
    Complaint,
    CreditEvent,
    Evaluation,
    ListEntry,
    Nomination,
    ServiceReview,
    StarRating,
)

ID_MAX = 2**53  # ids past any table's range are refused as input (400), never looked up


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


class CreditReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class CreditAppealIn(serializers.Serializer):
    rating = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX
    )
    list_entry = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX
    )
    grade = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=ID_MAX,
        help_text="An awarded grade evaluation of the organization.",
    )
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
            "grade",
            "grounds",
            "state",
            "decision",
            "submitted_at",
        ]


# --- grades (C3) ---------------------------------------------------------------------


class CreditGradeRowOut(serializers.Serializer):
    indicator = serializers.CharField()
    label = serializers.CharField()
    points = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    max = serializers.IntegerField()
    why = serializers.CharField()


class CreditGradeOut(serializers.Serializer):
    grade = serializers.IntegerField(help_text="1–5 (1A–5A).")
    label = serializers.CharField(source="grade_label")
    total = serializers.DecimalField(max_digits=6, decimal_places=1)
    round = serializers.CharField()
    awarded_on = serializers.DateField()
    valid_until = serializers.DateField()


class CreditGradeAppealOut(serializers.Serializer):
    """A grade appeal the registration body upheld: the correction, in public."""

    id = serializers.IntegerField()
    evaluation = serializers.IntegerField(source="grade_id")
    round = serializers.CharField(source="grade.round")
    decision = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    reevaluating = serializers.SerializerMethodField(
        help_text="True while the evaluator redoes the evaluation (no grade in force from it)."
    )

    def get_reevaluating(self, obj) -> bool:
        return obj.grade.state != Evaluation.State.AWARDED


class CreditEvaluationOut(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name")
    round_name = serializers.CharField(source="round.__str__")
    grade_label = serializers.CharField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "round",
            "round_name",
            "organization",
            "organization_name",
            "evaluator",
            "state",
            "score_basic",
            "score_governance",
            "score_performance",
            "score_social",
            "comments",
            "total",
            "grade",
            "grade_label",
            "awarded_on",
            "valid_until",
        ]


class CreditEvaluationIn(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    organization = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    evaluator = serializers.IntegerField(min_value=1, max_value=ID_MAX)


class CreditScoresIn(serializers.Serializer):
    basic = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="0–60")
    governance = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="0–400")
    performance = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="0–440")
    social = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="0–100")
    comments = serializers.CharField(max_length=2000, required=False, allow_blank=True)


# --- public voice (C5) ---------------------------------------------------------------


class CreditVoiceOut(serializers.Serializer):
    ratings = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    verified_complaints = serializers.IntegerField(help_text="Verified in the last year.")


class CreditReviewIn(serializers.Serializer):
    need = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=ID_MAX)
    activity = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX
    )
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CreditReviewOut(serializers.ModelSerializer):
    class Meta:
        model = ServiceReview
        fields = ["id", "organization", "need", "activity", "rating", "comment", "created_at"]


class CreditComplaintIn(serializers.Serializer):
    need = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=ID_MAX)
    activity = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX
    )
    text = serializers.CharField(max_length=1000)


class CreditComplaintDecisionIn(serializers.Serializer):
    verified = serializers.BooleanField()
    reason = serializers.CharField(max_length=500)


class CreditComplaintOut(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "organization",
            "need",
            "activity",
            "text",
            "state",
            "decision",
            "decided_on",
            "submitted_at",
        ]


# --- honours (C6) --------------------------------------------------------------------


class CreditHonourOut(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
    nominee = serializers.CharField()

    class Meta:
        model = Nomination
        fields = [
            "id",
            "year",
            "kind",
            "kind_display",
            "organization",
            "community",
            "project_name",
            "nominee",
            "state",
            "decided_on",
        ]


class CreditNominationIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=Nomination.Kind.choices)
    organization = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX
    )
    community = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=ID_MAX
    )
    project_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    grounds = serializers.CharField(max_length=1000)


class CreditNominationDecisionIn(serializers.Serializer):
    select = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


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
    grade = CreditGradeOut(allow_null=True, help_text="The grade (1A–5A) in force, or null.")
    grade_breakdown = CreditGradeRowOut(many=True)
    grade_appeals = CreditGradeAppealOut(many=True)
    voice = CreditVoiceOut()
    honours = CreditHonourOut(many=True)
