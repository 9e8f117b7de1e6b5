"""Contracts (P8): periods, installments, milestone reports, subcontractors."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from procurement.models import (
    Contract,
    ContractPeriod,
    Installment,
    MilestoneReport,
    Subcontractor,
)
from procurement.models.contracts import NAME_MAX, TEXT_MAX
from procurement.serializers.common import OrganizationRef, text_field
from procurement.serializers.funds import money_in


class InstallmentOut(serializers.ModelSerializer):
    contract = serializers.IntegerField(source="period.contract_id", read_only=True)
    year = serializers.IntegerField(source="period.index", read_only=True)

    class Meta:
        model = Installment
        fields = [
            "id",
            "contract",
            "year",
            "order",
            "percent",
            "amount",
            "milestone",
            "is_final",
            "state",
            "paid_amount",
            "paid_at",
        ]


class PeriodOut(serializers.ModelSerializer):
    installments = InstallmentOut(many=True, read_only=True)

    class Meta:
        model = ContractPeriod
        fields = [
            "id",
            "index",
            "start_date",
            "end_date",
            "amount",
            "state",
            "committed_at",
            "evaluation_score",
            "evaluation_grade",
            "evaluated_at",
            "installments",
        ]


class SubcontractorOut(serializers.ModelSerializer):
    class Meta:
        model = Subcontractor
        fields = ["id", "name", "uscc", "work", "is_core_service", "amount", "recorded_at"]


class ContractOut(serializers.ModelSerializer):
    organization = OrganizationRef()
    project = serializers.IntegerField(source="project_id")
    periods = PeriodOut(many=True, read_only=True)
    subcontractors = SubcontractorOut(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "project",
            "organization",
            "amount",
            "start_date",
            "end_date",
            "no_subcontracting_declared",
            "org_signed_at",
            "signed_at",
            "state",
            "periods",
            "subcontractors",
        ]


class PeriodIn(serializers.Serializer):
    amount = money_in()
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class InstallmentPlanIn(serializers.Serializer):
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    milestone = text_field(NAME_MAX)


class ContractIn(serializers.Serializer):
    project = serializers.IntegerField()
    periods = PeriodIn(many=True, help_text=_("One per year, at most three."))
    installments = InstallmentPlanIn(
        many=True, required=False, help_text=_("Percents adding up to 100; default 30/40/30.")
    )


class OrgSignIn(serializers.Serializer):
    no_subcontracting = serializers.BooleanField(
        help_text=_("The no-subcontracting declaration (不得转包); required.")
    )


class NextPeriodIn(serializers.Serializer):
    budget = serializers.IntegerField(required=False)


class SubcontractorIn(serializers.Serializer):
    name = text_field(NAME_MAX)
    work = text_field(NAME_MAX)
    is_core_service = serializers.BooleanField()
    uscc = serializers.CharField(max_length=18, required=False, allow_blank=True)
    amount = money_in(_("Yuan, optional."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].required = False


class MilestoneReportOut(serializers.ModelSerializer):
    class Meta:
        model = MilestoneReport
        fields = [
            "id",
            "installment",
            "text",
            "attachment",
            "state",
            "submitted_at",
            "decided_at",
            "decision_note",
        ]


class MilestoneReportIn(serializers.Serializer):
    installment = serializers.IntegerField()
    text = text_field(TEXT_MAX)
    attachment = serializers.FileField(required=False)


class DecisionIn(serializers.Serializer):
    note = text_field(500, required=False, help_text=_("Required when returning."))
