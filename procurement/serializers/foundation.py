"""The community foundation (P7): funds, donations, disbursements, the public view."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huitian.models import Area, User
from procurement.models import Disbursement, Donation, FoundationFund
from procurement.models.foundation import NAME_MAX, PURPOSE_MAX
from procurement.serializers.common import AreaRef, note_field, text_field
from procurement.serializers.funds import money_in


class FoundationFundOut(serializers.ModelSerializer):
    community = AreaRef()
    balance = serializers.DecimalField(
        source="account.balance", max_digits=14, decimal_places=2, read_only=True
    )

    class Meta:
        model = FoundationFund
        fields = ["id", "name", "community", "rules", "is_open", "balance"]


class OpenFundIn(serializers.Serializer):
    community = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level="community")
    )
    name = text_field(100, required=False)
    rules = text_field(2000, required=False)
    managers = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), many=True, required=False
    )


class DonationOut(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund.name", read_only=True)

    class Meta:
        model = Donation
        fields = [
            "id",
            "receipt_number",
            "fund",
            "donor_kind",
            "donor_name",
            "anonymous",
            "amount",
            "donated_on",
        ]


class DonationIn(serializers.Serializer):
    fund = serializers.PrimaryKeyRelatedField(queryset=FoundationFund.objects.all())
    donor_kind = serializers.ChoiceField(choices=Donation.DonorKind.choices)
    donor_name = text_field(NAME_MAX)
    anonymous = serializers.BooleanField(default=False)
    amount = money_in()
    donated_on = serializers.DateField(required=False)


class DisbursementOut(serializers.ModelSerializer):
    fund = serializers.CharField(source="fund.name", read_only=True)

    class Meta:
        model = Disbursement
        fields = ["id", "fund", "amount", "purpose", "beneficiary", "state", "requested_at"]


class DisbursementIn(serializers.Serializer):
    fund = serializers.PrimaryKeyRelatedField(queryset=FoundationFund.objects.all())
    amount = money_in()
    purpose = text_field(PURPOSE_MAX)
    beneficiary = text_field(NAME_MAX)


class StepNoteIn(serializers.Serializer):
    note = note_field(_("Required when rejecting."))


class PublicDonationOut(serializers.Serializer):
    donor = serializers.CharField(help_text=_("匿名 for anonymous donors and residents."))
    kind = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    date = serializers.DateField()
    receipt = serializers.CharField()


class PublicUseOut(serializers.Serializer):
    purpose = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    requested_at = serializers.DateTimeField()


class PublicFundOut(serializers.Serializer):
    id = serializers.IntegerField(source="fund.pk")
    name = serializers.CharField(source="fund.name")
    community = serializers.CharField(source="fund.community.name")
    rules = serializers.CharField(source="fund.rules")
    income = serializers.DecimalField(max_digits=14, decimal_places=2)
    used = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    donations = PublicDonationOut(many=True)
    uses = PublicUseOut(many=True)
