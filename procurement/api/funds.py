"""Funding sources, budgets, the special fund's allocation and the report (P6)."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from procurement.selectors import funds as sel
from procurement.serializers import funds as s
from procurement.services import funds as svc

REFUSALS = gettext_lazy(
    "400 for an amount that is negative, zero, has more than two decimals or is not a "
    "number; 403 when the caller may not move this money; 409 (insufficient_funds) when "
    "it is more than is available — the detail names both figures."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FundingSourceViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The plan's funding sources and what each still holds (staff)."""

    serializer_class = s.FundingSourceOut
    pagination_class = None

    def get_queryset(self):
        return sel.funding_sources()


class BudgetViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Yearly budgets per source and area: street staff see their street, the district all."""

    serializer_class = s.BudgetOut
    output_serializer_class = s.BudgetOut

    def get_queryset(self):
        return sel.budgets_for(self.request.user)

    @extend_schema(
        summary=gettext_lazy("Allocate money of a source to an area's budget (district)"),
        request=s.AllocateBudgetIn,
        responses={201: s.BudgetOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.AllocateBudgetIn)
        budget = svc.allocate_budget(
            source_id=v["source"].pk,
            area=v["area"],
            year=v["year"],
            amount=v["amount"],
            note=v.get("note", ""),
            by=request.user,
        )
        return self.render(budget, status=201)

    @extend_schema(
        summary=gettext_lazy("Share the Huitian special fund among streets (district)"),
        request=s.AllocateSpecialFundIn,
        responses={201: s.BudgetOut(many=True)},
        description=REFUSALS,
    )
    @action(detail=False, methods=["post"], url_path="allocate-special-fund")
    @idempotent
    def allocate_special_fund(self, request):
        v = self.parse(s.AllocateSpecialFundIn)
        shares = {}
        for share in v["shares"]:
            shares[share["street"]] = share["amount"]
        budgets = svc.allocate_special_fund(
            year=v["year"], shares=shares, note=v.get("note", ""), by=request.user
        )
        fresh = self.get_queryset().filter(pk__in=[b.pk for b in budgets])
        return Response(s.BudgetOut(fresh, many=True).data, status=201)

    @extend_schema(
        summary=gettext_lazy("Commit part of a budget (district, or the budget's street)"),
        request=s.CommitBudgetIn,
        responses={201: s.MovementOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def commit(self, request, pk=None):
        budget = self.visible_object(pk)
        v = self.parse(s.CommitBudgetIn)
        movement = svc.commit_budget(
            budget_id=budget.pk,
            amount=v["amount"],
            purpose=v["purpose"],
            note=v.get("note", ""),
            by=request.user,
        )
        return Response(s.MovementOut(movement).data, status=201)

    def _report(self, request):
        query = s.ReportQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        return sel.fund_report(
            request.user,
            year=q.get("year"),
            source_id=getattr(q.get("source"), "pk", None),
            area_id=getattr(q.get("area"), "pk", None),
        )

    @extend_schema(
        summary=gettext_lazy("Allocated / committed / paid / available, by budget and totals"),
        parameters=[s.ReportQuery],
        responses=s.ReportOut,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def report(self, request):
        rows = self._report(request)
        return Response(
            s.ReportOut(
                {
                    "rows": rows,
                    "by_source": sel.report_totals(rows, "source"),
                    "by_street": sel.report_totals(rows, "street"),
                    "by_year": sel.report_totals(rows, "year"),
                }
            ).data
        )

    @extend_schema(
        summary=gettext_lazy("The funds report as an xlsx workbook"),
        parameters=[s.ReportQuery],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="report/xlsx",
        pagination_class=None,
        filter_backends=[],
    )
    def report_xlsx(self, request):
        response = HttpResponse(sel.fund_report_xlsx(self._report(request)), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="funds-report.xlsx"'
        return response
