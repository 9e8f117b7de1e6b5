"""Contracts (P8): draft, sign (the organization, then the purchaser: year 1 committed),
start, milestone reports, installments paid, the next year, subcontractors."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from huitian.access import get_visible_or_404
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from procurement.models import Budget, Installment
from procurement.selectors import projects as sel
from procurement.serializers import contracts as s
from procurement.services import contracts as svc

REFUSALS = gettext_lazy(
    "403 when the caller may not take this step (not the purchaser's staff, not the "
    "contracted organization), 404 when the record is not visible, 409 with the reason "
    "when the step is refused (wrong state, milestone not accepted, final installment "
    "needing the evaluation, a fourth year, the core service subcontracted, not enough "
    "money in the budget …)."
)


class ContractViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.ContractOut

    def get_queryset(self):
        return (
            sel.contracts_for(self.request.user)
            .prefetch_related("periods__installments", "subcontractors")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        summary=gettext_lazy("Draft the contract of an awarded project"),
        request=s.ContractIn,
        responses={201: s.ContractOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.ContractIn)
        project = get_visible_or_404(request.user, sel.projects_for(request.user), v["project"])
        kwargs = {}
        if v.get("installments"):
            kwargs["schedule"] = [(i["percent"], i["milestone"]) for i in v["installments"]]
        contract = svc.draft_contract(
            project,
            by=request.user,
            periods=[svc.PeriodPlan(**p) for p in v["periods"]],
            **kwargs,
        )
        return self.render(contract, status=201)

    @extend_schema(
        summary=gettext_lazy("Sign as the organization, with the no-subcontracting declaration"),
        request=s.OrgSignIn,
        responses=s.ContractOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], url_path="org-sign")
    def org_sign(self, request, pk=None):
        contract = self.visible_object(pk)
        v = self.parse(s.OrgSignIn)
        return self.render(svc.sign_as_organization(contract, by=request.user, **v))

    @extend_schema(
        summary=gettext_lazy("Countersign as the purchaser: year 1 is committed in the ledger"),
        request=None,
        responses=s.ContractOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def countersign(self, request, pk=None):
        return self.render(svc.countersign(self.visible_object(pk), by=request.user))

    @extend_schema(
        summary=gettext_lazy("Start the service"),
        request=None,
        responses=s.ContractOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self.render(svc.start_service(self.visible_object(pk), by=request.user))

    @extend_schema(
        summary=gettext_lazy("Commit the next year (after the previous year passed evaluation)"),
        request=s.NextPeriodIn,
        responses=s.ContractOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], url_path="next-period")
    def next_period(self, request, pk=None):
        contract = self.visible_object(pk)
        v = self.parse(s.NextPeriodIn)
        budget = None
        if v.get("budget"):
            budget = Budget.objects.filter(pk=v["budget"]).first()
            if budget is None:
                raise ValidationError({"budget": ["Unknown budget."]})
        svc.open_next_period(contract, by=request.user, budget=budget)
        return self.render(contract)

    @extend_schema(
        summary=gettext_lazy("Record a subcontractor (never for the core service)"),
        request=s.SubcontractorIn,
        responses=s.ContractOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def subcontractors(self, request, pk=None):
        contract = self.visible_object(pk)
        v = self.parse(s.SubcontractorIn)
        svc.add_subcontractor(contract, by=request.user, **v)
        return self.render(contract)


class InstallmentViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.InstallmentOut

    def get_queryset(self):
        return sel.installments_for(self.request.user).order_by(
            "period__contract", "period__index", "order"
        )

    @extend_schema(
        summary=gettext_lazy("Pay a non-final installment whose milestone was accepted"),
        request=None,
        responses=s.InstallmentOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self.render(svc.pay_installment(self.visible_object(pk), by=request.user))


class MilestoneReportViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.MilestoneReportOut
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return sel.milestone_reports_for(self.request.user).order_by("-submitted_at", "-pk")

    @extend_schema(
        summary=gettext_lazy("Report a milestone (the contracted organization)"),
        request=s.MilestoneReportIn,
        responses={201: s.MilestoneReportOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.MilestoneReportIn)
        installment = get_visible_or_404(request.user, Installment.objects.all(), v["installment"])
        report = svc.submit_milestone_report(
            installment, by=request.user, text=v["text"], attachment=v.get("attachment")
        )
        return self.render(report, status=201)

    @extend_schema(
        summary=gettext_lazy("Accept the report: the installment becomes payable"),
        request=s.DecisionIn,
        responses=s.MilestoneReportOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self.visible_object(pk)
        v = self.parse(s.DecisionIn)
        return self.render(
            svc.accept_milestone_report(report, by=request.user, note=v.get("note", ""))
        )

    @extend_schema(
        summary=gettext_lazy("Return the report with the reason"),
        request=s.DecisionIn,
        responses=s.MilestoneReportOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = self.visible_object(pk)
        v = self.parse(s.DecisionIn)
        return self.render(
            svc.return_milestone_report(report, by=request.user, note=v.get("note", ""))
        )
