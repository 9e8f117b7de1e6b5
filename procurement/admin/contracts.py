"""Contracts' screens (P8): read here, moved by actions that call `services.contracts`
(countersign and commit year 1, start, next year, accept milestone reports, pay)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import TransitionInline
from procurement.admin.base import RecordOnlyAdmin
from procurement.models import (
    Contract,
    ContractPeriod,
    Installment,
    MilestoneReport,
    Subcontractor,
)
from procurement.services import contracts as svc


class PeriodInline(admin.TabularInline):
    model = ContractPeriod
    extra = 0
    can_delete = False
    fields = [
        "index",
        "start_date",
        "end_date",
        "amount",
        "budget",
        "state",
        "evaluation_score",
        "evaluation_grade",
    ]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SubcontractorInline(admin.TabularInline):
    model = Subcontractor
    extra = 0
    can_delete = False
    fields = ["name", "work", "is_core_service", "amount", "recorded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(RecordOnlyAdmin):
    list_display = ["number", "project", "organization", "amount", "state", "signed_at"]
    list_filter = ["state"]
    list_select_related = ["project", "organization"]
    search_fields = ["number"]
    inlines = [PeriodInline, SubcontractorInline, TransitionInline]
    actions = ["countersign", "start_service", "open_next_period"]
    readonly_fields = [
        "number",
        "project",
        "organization",
        "application",
        "amount",
        "start_date",
        "end_date",
        "no_subcontracting_declared",
        "org_signed_by",
        "org_signed_at",
        "signed_by",
        "signed_at",
        "state",
        "created_at",
    ]
    fields = readonly_fields

    @admin.action(description=_("Countersign the selected contracts (commits year 1)"))
    def countersign(self, request, queryset):
        for contract in queryset:
            self.run_service(request, svc.countersign, contract, by=request.user)

    @admin.action(description=_("Start the service of the selected contracts"))
    def start_service(self, request, queryset):
        for contract in queryset:
            self.run_service(request, svc.start_service, contract, by=request.user)

    @admin.action(description=_("Commit the next year of the selected contracts"))
    def open_next_period(self, request, queryset):
        for contract in queryset:
            self.run_service(request, svc.open_next_period, contract, by=request.user)


@admin.register(Installment)
class InstallmentAdmin(RecordOnlyAdmin):
    list_display = ["__str__", "milestone", "amount", "is_final", "state", "paid_at"]
    list_filter = ["state", "is_final"]
    list_select_related = ["period__contract"]
    inlines = [TransitionInline]
    actions = ["pay"]
    readonly_fields = [
        "period",
        "order",
        "percent",
        "amount",
        "milestone",
        "is_final",
        "state",
        "paid_amount",
        "paid_at",
    ]
    fields = readonly_fields

    @admin.action(description=_("Pay the selected installments"))
    def pay(self, request, queryset):
        for installment in queryset:
            self.run_service(request, svc.pay_installment, installment, by=request.user)


@admin.register(MilestoneReport)
class MilestoneReportAdmin(RecordOnlyAdmin):
    list_display = ["installment", "state", "submitted_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["installment__period__contract"]
    inlines = [TransitionInline]
    actions = ["accept"]
    readonly_fields = [
        "installment",
        "text",
        "attachment",
        "state",
        "submitted_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    fields = readonly_fields

    @admin.action(description=_("Accept the selected milestone reports"))
    def accept(self, request, queryset):
        for report in queryset:
            self.run_service(request, svc.accept_milestone_report, report, by=request.user)


@admin.register(ContractPeriod)
class ContractPeriodAdmin(RecordOnlyAdmin):
    list_display = ["contract", "index", "amount", "state", "evaluation_grade"]
    list_filter = ["state", "evaluation_grade"]
    list_select_related = ["contract"]
    inlines = [TransitionInline]
    readonly_fields = [*PeriodInline.fields, "committed_at", "evaluated_at"]
    fields = readonly_fields


@admin.register(Subcontractor)
class SubcontractorAdmin(RecordOnlyAdmin):
    list_display = ["name", "contract", "work", "amount", "recorded_at"]
    list_select_related = ["contract"]
    readonly_fields = ["contract", "name", "uscc", "work", "is_core_service", "amount"]
    fields = readonly_fields
