"""Funding sources, budgets and the funds report (P6)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huitian.models import Area
from procurement.models import Budget, FundingSource
from procurement.serializers.common import AreaRef, note_field


def money_in(help_text=""):
    """An amount as typed (“1200.50”): the ledger checks it and says what stops it."""
    return serializers.CharField(max_length=20, help_text=help_text or _("Yuan, two decimals."))


class FundingSourceOut(serializers.ModelSerializer):
    available = serializers.DecimalField(
        source="account.balance", max_digits=14, decimal_places=2, read_only=True
    )

    class Meta:
        model = FundingSource
        fields = ["id", "code", "name", "kind", "plan_total", "available"]


class BudgetOut(serializers.ModelSerializer):
    source = serializers.CharField(source="source.name", read_only=True)
    area = AreaRef()
    available = serializers.DecimalField(
        source="account.balance", max_digits=14, decimal_places=2, read_only=True
    )

    class Meta:
        model = Budget
        fields = ["id", "source", "area", "year", "available"]


class AllocateBudgetIn(serializers.Serializer):
    source = serializers.SlugRelatedField(
        slug_field="code", queryset=FundingSource.objects.filter(is_active=True)
    )
    area = serializers.SlugRelatedField(slug_field="code", queryset=Area.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    amount = money_in()
    note = note_field()


class ShareIn(serializers.Serializer):
    street = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level="street")
    )
    amount = money_in()


class AllocateSpecialFundIn(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    shares = ShareIn(many=True, allow_empty=False, max_length=50)
    note = note_field()


class CommitBudgetIn(serializers.Serializer):
    amount = money_in()
    purpose = serializers.ChoiceField(choices=Budget.Purpose.choices)
    note = note_field()


class MovementOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()


class ReportQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    source = serializers.SlugRelatedField(
        slug_field="code", queryset=FundingSource.objects.all(), required=False
    )
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.all(), required=False
    )


class ReportRowOut(serializers.Serializer):
    source = serializers.CharField()
    street = serializers.CharField()
    area = serializers.CharField()
    year = serializers.IntegerField()
    allocated = serializers.DecimalField(max_digits=14, decimal_places=2)
    committed = serializers.DecimalField(max_digits=14, decimal_places=2)
    committed_services = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    available = serializers.DecimalField(max_digits=14, decimal_places=2)
    services_share = serializers.DecimalField(max_digits=5, decimal_places=1)


class ReportOut(serializers.Serializer):
    rows = ReportRowOut(many=True)
    by_source = ReportRowOut(many=True)
    by_street = ReportRowOut(many=True)
    by_year = ReportRowOut(many=True)
