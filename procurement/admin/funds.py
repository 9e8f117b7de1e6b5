"""Funding sources and budgets: allocations go through `services.funds`; balances are
read from the ledger; the report exports to xlsx from the changelist (scoped)."""

from django import forms
from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import ReferenceDataAdmin
from huitian.models import Role
from procurement.admin.base import ProcurementAdmin
from procurement.models import Budget, FundingSource
from procurement.selectors import funds as sel
from procurement.services import funds as svc

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@admin.register(FundingSource)
class FundingSourceAdmin(ReferenceDataAdmin):
    list_display = ["name", "code", "kind", "plan_total", "balance", "is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["account"]
    fields = ["name", "code", "kind", "plan_total", "is_active", "sort_order"]
    readonly_fields = ["code", "kind", "plan_total"]

    @admin.display(description=_("available"))
    def balance(self, source):
        return source.account.balance

    def has_add_permission(self, request):
        return False  # the plan's sources are seeded (services.funds.ensure_funding_sources)


class AllocateForm(forms.ModelForm):
    amount = forms.CharField(label=_("amount (yuan)"), max_length=20)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    class Meta:
        model = Budget
        fields = ["source", "area", "year"]


@admin.register(Budget)
class BudgetAdmin(ProcurementAdmin):
    list_display = ["source", "area", "year", "available"]
    list_filter = ["year", "source"]
    list_select_related = ["source", "area", "account"]
    readonly_fields = ["source", "area", "year", "available", "created_by", "created_at"]
    add_roles = frozenset({Role.DISTRICT_ADMIN})
    actions = ["export_report"]
    form = AllocateForm

    @admin.display(description=_("available"))
    def available(self, budget):
        return budget.account.balance

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["source", "area", "year", "amount", "note"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # money moves by allocation, commitment and payment, never by edit

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.allocate_budget(
            source_id=d["source"].pk,
            area=d["area"],
            year=d["year"],
            amount=d["amount"],
            note=d["note"],
            by=request.user,
        )

    @admin.action(description=_("Export the funds report of the selected budgets (xlsx)"))
    def export_report(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        rows = sel.fund_report(request.user, budget_ids=ids)
        response = HttpResponse(sel.fund_report_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="funds-report.xlsx"'
        return response
