"""Annual reports (R8): members submit, staff conclude. Administrative interviews (R9):
street and district staff hold them and record the outcome; read-only roles and the
organization itself read them."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

from huitian.access import visible
from huitian.api.idempotency import idempotent
from registry import selectors, serializers, services
from registry.api.base import OrganizationPayloadMixin
from registry.models import AnnualReport


class AnnualReportViewSet(
    OrganizationPayloadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.AnnualReportSerializer
    filterset_fields = ["organization", "year", "conclusion"]

    def get_queryset(self):
        return visible(self.request.user, AnnualReport.objects.select_related("organization"))

    @extend_schema(
        request={"multipart/form-data": serializers.AnnualReportInputSerializer},
        responses={201: serializers.AnnualReportSerializer},
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.AnnualReportInputSerializer)
        org = self.visible_organization(data)
        report = services.submit_annual_report(
            organization_id=org.pk,
            year=data["year"],
            by=request.user,
            summary=data["summary"],
            income=data["income"],
            expenditure=data["expenditure"],
            upload=data.get("file"),
        )
        return self.render(report, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.ConclusionSerializer, responses=serializers.AnnualReportSerializer
    )
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        report = self.visible_object(pk)
        data = self.parse(serializers.ConclusionSerializer)
        return self.render(
            services.conclude_annual_report(report_id=report.pk, by=request.user, **data)
        )


class InterviewViewSet(
    OrganizationPayloadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.InterviewSerializer
    filterset_fields = ["organization", "reason"]

    def get_queryset(self):
        return selectors.interviews_for(self.request.user)

    @extend_schema(
        request=serializers.InterviewInputSerializer,
        responses={201: serializers.InterviewSerializer},
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.InterviewInputSerializer)
        org = self.visible_organization(data)
        interview = services.hold_interview(organization_id=org.pk, by=request.user, **data)
        return self.render(interview, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.InterviewOutcomeSerializer, responses=serializers.InterviewSerializer
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record what the interview concluded and when to follow up."""
        interview = self.visible_object(pk)
        data = self.parse(serializers.InterviewOutcomeSerializer)
        return self.render(
            services.record_interview_outcome(interview_id=interview.pk, by=request.user, **data)
        )
