"""Purchase projects (P8): projects, applications (with eligibility shown), review, award."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huitian.models import Area, User
from procurement.models import (
    ApplicationScore,
    Award,
    ProjectApplication,
    PurchaseItem,
    PurchaseProject,
)
from procurement.models.funds import Budget
from procurement.models.projects import (
    NAME_MAX,
    OPINION_MAX,
    PROPOSAL_MAX,
    REASON_MAX,
    TITLE_MAX,
)
from procurement.selectors.projects import ranking
from procurement.serializers.common import AreaRef, OrganizationRef, text_field
from procurement.serializers.funds import money_in
from procurement.services.projects import MAX_APPLICATION_DAYS, eligibility_many


class AwardOut(serializers.ModelSerializer):
    application = serializers.IntegerField(source="application_id")

    class Meta:
        model = Award
        fields = ["application", "reason", "awarded_at"]


class ProjectOut(serializers.ModelSerializer):
    area = AreaRef()
    funding_source = serializers.CharField(source="budget.source.name", read_only=True)
    budget_year = serializers.IntegerField(source="budget.year", read_only=True)
    is_major = serializers.BooleanField(read_only=True)
    items = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PurchaseProject
        fields = [
            "id",
            "title",
            "area",
            "purchaser_name",
            "items",
            "budget_amount",
            "budget",
            "funding_source",
            "budget_year",
            "service_standard",
            "quantity",
            "unit",
            "duration_months",
            "years",
            "is_major",
            "evaluator",
            "pre_review_opinion",
            "application_days",
            "application_deadline",
            "cancel_reason",
            "state",
            "created_at",
        ]


class ProjectIn(serializers.Serializer):
    title = text_field(TITLE_MAX, required=False)
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    purchaser_name = text_field(NAME_MAX)
    budget = serializers.PrimaryKeyRelatedField(queryset=Budget.objects.all())
    budget_amount = money_in(_("Yuan, two decimals; from items: their estimates' sum."))
    service_standard = text_field(4000, required=False)
    quantity = serializers.IntegerField(min_value=1)
    unit = text_field(20)
    duration_months = serializers.IntegerField(min_value=1, max_value=120)
    years = serializers.IntegerField(min_value=1, max_value=3, default=1)
    items = serializers.PrimaryKeyRelatedField(
        queryset=PurchaseItem.objects.all(), many=True, required=False
    )
    evaluator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )

    def validate(self, attrs):
        if not attrs.get("items"):
            for name in ("title", "budget_amount", "service_standard"):
                if not attrs.get(name):
                    raise serializers.ValidationError({name: [_("This field is required.")]})
        return attrs


class PreReviewIn(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["pass", "revise", "reject"])
    opinion = text_field(OPINION_MAX)


class OpenIn(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=1, max_value=MAX_APPLICATION_DAYS)


class ReasonIn(serializers.Serializer):
    reason = text_field(REASON_MAX)


class ReviewerIn(serializers.Serializer):
    reviewer = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class AwardIn(serializers.Serializer):
    application = serializers.IntegerField()
    reason = text_field(REASON_MAX)


class EligibilityOut(serializers.Serializer):
    organization = serializers.IntegerField()
    eligible = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class EligibilityProblems(serializers.ListField):
    """Why the applicant may not take this purchase (empty: eligible), for staff."""

    child = serializers.CharField()

    def get_attribute(self, instance):
        cache = self.context.setdefault("_eligibility", {})
        if instance.pk not in cache:
            cache[instance.pk] = eligibility_many(
                [(instance.organization, instance.project, instance.is_joint)]
            )[0]
        return cache[instance.pk]


class ApplicationListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        found = eligibility_many((a.organization, a.project, a.is_joint) for a in rows)
        cache = self.child.context.setdefault("_eligibility", {})
        cache.update({a.pk: p for a, p in zip(rows, found, strict=True)})
        self.child.context["_ranking"] = {r.application.pk: r for r in ranking(rows)}
        return super().to_representation(rows)


class RankingField(serializers.Field):
    """One figure of the application's ranking for award (`selectors.projects.ranking`)."""

    def __init__(self, part, **kwargs):
        self.part = part
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        cache = self.context.setdefault("_ranking", {})
        if instance.pk not in cache:
            cache[instance.pk] = ranking([instance])[0]
        return getattr(cache[instance.pk], self.part)

    def to_representation(self, value):
        if value is None or isinstance(value, int):
            return value
        return str(Decimal(value).quantize(Decimal("0.01")))


@extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=2))
class DecimalRankingField(RankingField):
    pass


@extend_schema_field(serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True))
class ScoreRankingField(RankingField):
    pass


@extend_schema_field(OpenApiTypes.INT)
class PointsRankingField(RankingField):
    pass


@extend_schema_field(OpenApiTypes.DECIMAL)
class TotalField(serializers.Field):
    def get_attribute(self, instance):
        return getattr(instance, "score_total", None)

    def to_representation(self, value):
        return None if value is None else str(value)


class ApplicationOut(serializers.ModelSerializer):
    organization = OrganizationRef()
    project = serializers.IntegerField(source="project_id")
    eligibility_problems = EligibilityProblems(read_only=True)
    review_score = ScoreRankingField("review_score", allow_null=True)
    credit_priority = PointsRankingField("credit_priority")
    ranking_total = DecimalRankingField("total")

    class Meta:
        model = ProjectApplication
        list_serializer_class = ApplicationListSerializer
        fields = [
            "id",
            "project",
            "organization",
            "proposal",
            "quoted_amount",
            "is_joint",
            "cosigned_by",
            "state",
            "submitted_at",
            "eligibility_problems",
            "review_score",
            "credit_priority",
            "ranking_total",
        ]


class ApplicationIn(serializers.Serializer):
    project = serializers.IntegerField()
    organization = serializers.IntegerField()
    proposal = text_field(PROPOSAL_MAX)
    quoted_amount = money_in()
    joint = serializers.BooleanField(
        default=False, help_text=_("A street federation applying for a filed group.")
    )


class ConflictIn(serializers.Serializer):
    has_conflict = serializers.BooleanField()
    description = text_field(REASON_MAX, required=False)


class ScoreIn(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2),
        help_text=_("Points per criterion: plan ≤ 40, capacity ≤ 25, experience ≤ 20, price ≤ 15."),
    )
    comment = text_field(500, required=False)


class ScoreOut(serializers.ModelSerializer):
    class Meta:
        model = ApplicationScore
        fields = ["application", "reviewer", "criterion", "points", "comment", "scored_at"]
