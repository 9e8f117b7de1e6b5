"""Supervision, evaluation and spot checks (P8, item 6): named input and output shapes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huitian.models import Area, User
from procurement.models import (
    Contract,
    ContractPeriod,
    CorrectiveAction,
    Evaluation,
    SpotCheck,
    SupervisionVisit,
    SurveyResponse,
)
from procurement.models import supervision as m
from procurement.serializers.common import note_field, text_field

SCORE = {"max_digits": 6, "decimal_places": 3, "coerce_to_string": True}


class VisitOut(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.number", read_only=True)
    contract_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = SupervisionVisit
        fields = ["id", "contract", "contract_id", "visited_on", "findings", "recorded_at"]


class VisitIn(serializers.Serializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all())
    visited_on = serializers.DateField()
    findings = text_field(m.FINDINGS_MAX)
    visitor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text=_("Who visited, if not the caller (e.g. the third-party evaluator)."),
    )


class CorrectiveActionOut(serializers.ModelSerializer):
    class Meta:
        model = CorrectiveAction
        fields = ["id", "visit", "description", "due", "state", "created_at"]


class CorrectiveActionIn(serializers.Serializer):
    visit = serializers.PrimaryKeyRelatedField(queryset=SupervisionVisit.objects.all())
    description = text_field(m.ACTION_MAX)
    due = serializers.DateField()


class NoteIn(serializers.Serializer):
    note = note_field(_("How it was corrected (required to close)."))


class EvaluationOut(serializers.ModelSerializer):
    contract = serializers.CharField(source="period.contract.number", read_only=True)
    year = serializers.IntegerField(source="period.index", read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "period",
            "contract",
            "year",
            "evaluator_kind",
            "quantity_score",
            "quality_score",
            "satisfaction_score",
            "survey_count",
            "overall_score",
            "grade",
            "opinion",
            "supersedes",
            "evaluated_at",
        ]


class EvaluationIn(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(queryset=ContractPeriod.objects.all())
    quantity_score = serializers.DecimalField(**SCORE, help_text=_("0–100, two decimals"))
    quality_score = serializers.DecimalField(**SCORE, help_text=_("0–100, two decimals"))
    evaluator_kind = serializers.ChoiceField(
        choices=Evaluation.EvaluatorKind.choices, default=Evaluation.EvaluatorKind.PURCHASER
    )
    evaluator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    opinion = text_field(m.FINDINGS_MAX, required=False)


class YearOut(serializers.ModelSerializer):
    contract = serializers.CharField(source="contract.number", read_only=True)
    final_installment = serializers.SerializerMethodField()

    class Meta:
        model = ContractPeriod
        fields = [
            "id",
            "contract",
            "index",
            "start_date",
            "end_date",
            "amount",
            "state",
            "evaluation_score",
            "evaluation_grade",
            "evaluated_at",
            "final_installment",
        ]

    def get_final_installment(self, period) -> dict | None:
        final = next((i for i in period.installments.all() if i.is_final), None)
        if final is None:
            return None
        return {
            "id": final.pk,
            "amount": str(final.amount),
            "state": final.state,
            "paid_amount": None if final.paid_amount is None else str(final.paid_amount),
        }


class SurveyIn(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    answered_on = serializers.DateField(required=False)
    comment = text_field(m.COMMENT_MAX, required=False)


class SurveyOut(serializers.ModelSerializer):
    class Meta:
        model = SurveyResponse
        fields = ["id", "period", "rating", "comment", "answered_on", "source"]


class SurveyImportIn(serializers.Serializer):
    text = serializers.CharField(
        max_length=500_000,
        help_text=_("CSV with the header rating,answered_on,comment (UTF-8)."),
    )


class ProblemOut(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class SpotCheckOut(serializers.ModelSerializer):
    area = serializers.CharField(source="area.code", read_only=True)
    contracts = serializers.SerializerMethodField()

    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "area",
            "label",
            "seed",
            "sample_size",
            "population_count",
            "contracts",
            "drawn_at",
        ]

    def get_contracts(self, check) -> list[str]:
        return [item.contract.number for item in check.items.all()]


class SpotCheckIn(serializers.Serializer):
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level__in=["district", "street"])
    )
    label = text_field(m.LABEL_MAX)
    sample_size = serializers.IntegerField(min_value=1, max_value=500)
    seed = serializers.IntegerField(min_value=0, required=False)
