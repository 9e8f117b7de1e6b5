"""The community foundation's screens: funds opened, donations recorded and
disbursements requested through `services.foundation`; approval and payment are
actions that call the same services (the fund's managers only)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import TransitionInline
from huitian.admin_workflow import StepRule
from huitian.ledger import yuan
from huitian.models import Role
from procurement.admin.base import ProcurementAdmin
from procurement.models import Disbursement, Donation, FoundationFund
from procurement.services import foundation as svc

STAFF = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})


@admin.register(FoundationFund)
class FoundationFundAdmin(ProcurementAdmin):
    list_display = ["name", "community", "balance", "is_open"]
    list_filter = ["is_open"]
    list_select_related = ["community", "account"]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF})
    readonly_fields = ["name", "community", "rules", "balance", "is_open", "created_at"]

    @admin.display(description=_("balance"))
    def balance(self, fund):
        return fund.account.balance

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["community", "name", "rules", "managers"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.open_foundation_fund(
            community=d["community"],
            name=d["name"],
            rules=d["rules"],
            managers=d["managers"],
            by=request.user,
        )


class DonationForm(forms.ModelForm):
    amount = forms.CharField(label=_("amount (yuan)"), max_length=20)

    class Meta:
        model = Donation
        fields = ["fund", "donor_kind", "donor_name", "anonymous", "donated_on"]
        widgets = {"donated_on": forms.DateInput(attrs={"type": "date"})}


@admin.register(Donation)
class DonationAdmin(ProcurementAdmin):
    list_display = ["receipt_number", "fund", "donor_kind", "donor_name", "amount", "donated_on"]
    list_filter = ["donor_kind", "anonymous"]
    list_select_related = ["fund"]
    search_fields = ["receipt_number"]
    add_roles = STAFF
    form = DonationForm
    readonly_fields = [
        "receipt_number",
        "fund",
        "donor_kind",
        "donor_name",
        "anonymous",
        "amount",
        "donated_on",
        "recorded_by",
        "recorded_at",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["fund", "donor_kind", "donor_name", "anonymous", "amount", "donated_on"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # a receipt once issued is never rewritten

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.record_donation(
            fund_id=d["fund"].pk,
            donor_kind=d["donor_kind"],
            donor_name=d["donor_name"],
            anonymous=d["anonymous"],
            amount=d["amount"],
            donated_on=d["donated_on"],
            by=request.user,
        )


class DisbursementForm(forms.ModelForm):
    amount = forms.CharField(label=_("amount (yuan)"), max_length=20)

    class Meta:
        model = Disbursement
        fields = ["fund", "beneficiary", "purpose"]


@admin.register(Disbursement)
class DisbursementAdmin(ProcurementAdmin):
    list_display = ["fund", "beneficiary", "amount", "state", "requested_at"]
    list_filter = ["state"]
    list_select_related = ["fund"]
    add_roles = STAFF
    form = DisbursementForm
    inlines = [TransitionInline]
    actions = ["approve", "pay"]
    # The fund's managers approve and pay (no staff role holds that by itself).
    workflow_steps = {
        name: StepRule(
            name,
            perm="procurement.approve_disbursement",
            perm_on="fund",
            why_not=lambda item, user: svc.why_not_disburse(item.fund, item.amount),
        )
        for name in ("approve", "pay")
    }
    readonly_fields = [
        "fund",
        "beneficiary",
        "purpose",
        "amount",
        "state",
        "requested_by",
        "requested_at",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["fund", "amount", "beneficiary", "purpose"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # moves only by its steps

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.request_disbursement(
            fund_id=d["fund"].pk,
            amount=d["amount"],
            purpose=d["purpose"],
            beneficiary=d["beneficiary"],
            by=request.user,
        )

    @admin.action(description=_("Approve the selected disbursements"))
    def approve(self, request, queryset):
        for item in queryset:
            self.run_service(
                request,
                svc.approve_disbursement,
                disbursement_id=item.pk,
                by=request.user,
                success=_("Approved: %(b)s ¥%(a)s")
                % {"b": item.beneficiary, "a": yuan(item.amount)},
            )

    @admin.action(description=_("Pay the selected disbursements"))
    def pay(self, request, queryset):
        for item in queryset:
            self.run_service(
                request,
                svc.pay_disbursement,
                disbursement_id=item.pk,
                by=request.user,
                success=_("Paid: %(b)s ¥%(a)s") % {"b": item.beneficiary, "a": yuan(item.amount)},
            )
