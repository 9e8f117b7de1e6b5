"""Supervision, evaluation, payment by score, settlement and spot checks (P8, item 6).

Thin views: parse, call one service of `services.evaluation` / `services.spot_checks`,
render. Everything is scoped by `huitian.access.visible` (404 outside the caller's
reach); refusals come from the services."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.access import visible
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from procurement.models import (
    ContractPeriod,
    CorrectiveAction,
    Evaluation,
    Installment,
    SpotCheck,
    SpotCheckItem,
    SupervisionVisit,
)
from procurement.serializers import evaluation as s
from procurement.services import evaluation as svc
from procurement.services import spot_checks

REFUSALS = gettext_lazy(
    "403 when the caller is not the purchaser's staff (district, or the project's street), "
    "404 when the record is not visible, 409 with the reason when the step is not allowed: "
    "the contract is not in service (not_in_service), a major project has no supervision "
    "visit (supervision_required), a corrective action is open (corrective_action_open), "
    "no survey answers (no_survey_responses), the year was evaluated and passed "
    "(already_evaluated), the final installment before the evaluation (not_evaluated) or "
    "before the earlier ones (earlier_installments_unpaid), settling before it is paid "
    "(final_installment_unpaid)."
)


class ReadScoped(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    pass


class SupervisionVisitViewSet(ReadScoped):
    serializer_class = s.VisitOut

    def get_queryset(self):
        qs = SupervisionVisit.objects.select_related("contract").order_by("-visited_on", "-pk")
        return visible(self.request.user, qs)

    @extend_schema(
        summary=gettext_lazy("Record a supervision visit to a contract in service"),
        request=s.VisitIn,
        responses={201: s.VisitOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.VisitIn)
        visit = svc.record_visit(
            contract_id=v["contract"].pk,
            visited_on=v["visited_on"],
            findings=v["findings"],
            visitor=v.get("visitor"),
            by=request.user,
        )
        return self.render(visit, status=201)


class CorrectiveActionViewSet(ReadScoped):
    serializer_class = s.CorrectiveActionOut

    def get_queryset(self):
        return visible(self.request.user, CorrectiveAction.objects.order_by("due", "pk"))

    @extend_schema(
        summary=gettext_lazy("Ask for a correction after a visit"),
        request=s.CorrectiveActionIn,
        responses={201: s.CorrectiveActionOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.CorrectiveActionIn)
        item = svc.open_corrective_action(
            visit_id=v["visit"].pk, description=v["description"], due=v["due"], by=request.user
        )
        return self.render(item, status=201)

    @extend_schema(
        summary=gettext_lazy("Close a corrective action, saying how it was corrected"),
        request=s.NoteIn,
        responses=s.CorrectiveActionOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        item = self.visible_object(pk)
        v = self.parse(s.NoteIn)
        return self.render(
            svc.close_corrective_action(action_id=item.pk, note=v.get("note", ""), by=request.user)
        )


class EvaluationViewSet(ReadScoped):
    serializer_class = s.EvaluationOut

    def get_queryset(self):
        qs = Evaluation.objects.select_related("period__contract").order_by("-evaluated_at", "-pk")
        return visible(self.request.user, qs)

    @extend_schema(
        summary=gettext_lazy("Evaluate a contract year (a failed, corrected year: again)"),
        request=s.EvaluationIn,
        responses={201: s.EvaluationOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.EvaluationIn)
        done = svc.evaluate_period(
            period_id=v["period"].pk,
            quantity_score=v["quantity_score"],
            quality_score=v["quality_score"],
            evaluator_kind=v["evaluator_kind"],
            evaluator=v.get("evaluator"),
            opinion=v.get("opinion", ""),
            by=request.user,
        )
        return self.render(done, status=201)


class EvaluationYearViewSet(ReadScoped):
    """Contract years as evaluation sees them: score, grade, the final installment."""

    serializer_class = s.YearOut

    def get_queryset(self):
        qs = (
            ContractPeriod.objects.select_related("contract")
            .prefetch_related(
                Prefetch("installments", queryset=Installment.objects.order_by("order"))
            )
            .order_by("contract", "index")
        )
        return visible(self.request.user, qs)

    @extend_schema(
        summary=gettext_lazy("Why this year cannot be evaluated now (empty: it can)"),
        responses=s.ProblemOut(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def problems(self, request, pk=None):
        year = self.visible_object(pk)
        rows = [
            {"code": str(problem.code), "detail": str(problem.detail)}
            for problem in svc.evaluation_problems(year)
        ]
        return Response(s.ProblemOut(rows, many=True).data)

    @extend_schema(
        summary=gettext_lazy("Record one beneficiary's satisfaction answer (1–5)"),
        request=s.SurveyIn,
        responses={201: s.SurveyOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def surveys(self, request, pk=None):
        year = self.visible_object(pk)
        v = self.parse(s.SurveyIn)
        answer = svc.record_survey_response(
            period_id=year.pk,
            rating=v["rating"],
            answered_on=v.get("answered_on"),
            comment=v.get("comment", ""),
            by=request.user,
        )
        return Response(s.SurveyOut(answer).data, status=201)

    @extend_schema(
        summary=gettext_lazy("Import satisfaction answers from CSV (all rows or none)"),
        request=s.SurveyImportIn,
        responses={201: s.SurveyOut(many=True)},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], url_path="surveys/import")
    def import_surveys(self, request, pk=None):
        year = self.visible_object(pk)
        v = self.parse(s.SurveyImportIn)
        rows = svc.import_survey_responses(period_id=year.pk, text=v["text"], by=request.user)
        return Response(s.SurveyOut(rows, many=True).data, status=201)

    @extend_schema(
        summary=gettext_lazy("Pay the final installment by the score; release the rest"),
        request=None,
        responses=s.YearOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], url_path="pay-final")
    def pay_final(self, request, pk=None):
        year = self.visible_object(pk)
        svc.pay_final_installment(period_id=year.pk, by=request.user)
        return self.render(year)

    @extend_schema(
        summary=gettext_lazy("Settle the year (the last one settles the project)"),
        request=None,
        responses=s.YearOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        year = self.visible_object(pk)
        svc.settle_period(period_id=year.pk, by=request.user)
        return self.render(year)


class SpotCheckViewSet(ReadScoped):
    serializer_class = s.SpotCheckOut

    def get_queryset(self):
        items = SpotCheckItem.objects.select_related("contract").order_by("pk")
        qs = (
            SpotCheck.objects.select_related("area")
            .prefetch_related(Prefetch("items", queryset=items))
            .order_by("-drawn_at", "-pk")
        )
        return visible(self.request.user, qs)

    @extend_schema(
        summary=gettext_lazy("Draw a period's spot-check sample (the seed is recorded)"),
        request=s.SpotCheckIn,
        responses={201: s.SpotCheckOut},
        description=gettext_lazy(
            "The same seed over the same contracts draws the same sample. 403 outside the "
            "caller's area, 409 when there is nothing to draw or the period was drawn."
        ),
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.SpotCheckIn)
        check = spot_checks.draw_spot_check(
            area=v["area"],
            label=v["label"],
            sample_size=v["sample_size"],
            seed=v.get("seed"),
            by=request.user,
        )
        return self.render(check, status=201)
