"""Registry API: the directory, applications and filings, annual reports, certification,
agency services, interviews and deregistration.

Thin views: parse with an input serializer, call one service or selector, render.
Refusals come from services (WorkflowError → 409, Forbidden → 403) and the scoping
door (404 for records outside the caller's reach).
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.access import Forbidden, get_visible_or_404, is_staff_user, visible
from huitian.api.idempotency import idempotent
from huitian.models import Area, Category
from registry import selectors, serializers, services
from registry.models import (
    AnnualReport,
    Certification,
    Deregistration,
    Filing,
    Interview,
    LiquidationAsset,
    Organization,
    RegistrationApplication,
)


class OrganizationFilter(filters.FilterSet):
    area = filters.ModelChoiceFilter(
        field_name="home_area",
        queryset=Area.objects.all(),
        help_text=_("Area id: home or service area inside it"),
    )
    category = filters.ModelChoiceFilter(
        field_name="categories",
        queryset=Category.objects.all(),
        to_field_name="code",
        help_text=_("Category code (a group includes its categories)"),
    )
    legal_form = filters.ChoiceFilter(choices=Organization.LegalForm.choices)
    status = filters.ChoiceFilter(choices=Organization.Status.choices)
    search = filters.CharFilter(help_text=_("Name fragment, or an exact credit code / filing no."))

    class Meta:
        model = Organization
        fields = ["area", "category", "legal_form", "status", "search"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.public_directory(
            area=data.get("area"),
            category=data.get("category"),
            legal_form=data.get("legal_form") or "",
            status=data.get("status") or "",
            search=data.get("search") or "",
        )


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """The public directory of social organizations (registered and filed)."""

    permission_classes = [permissions.AllowAny]
    filterset_class = OrganizationFilter

    def get_queryset(self):
        if self.action == "list":
            return selectors.public_directory()
        return selectors._with_lists(Organization.objects.all())

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.OrganizationListSerializer
        return serializers.OrganizationDetailSerializer

    @extend_schema(responses=serializers.CoverageSerializer(many=True))
    @action(
        detail=False,
        url_path="party-coverage",
        permission_classes=[permissions.IsAuthenticated],
        filterset_class=None,
        pagination_class=None,
    )
    def party_coverage(self, request):
        """Party-building coverage (R5) by street (or `?level=community`), staff only."""
        if not is_staff_user(request.user):
            raise Forbidden(_("Only staff see party-building coverage."))
        level = request.query_params.get("level", Area.Level.STREET)
        if level not in (Area.Level.STREET, Area.Level.COMMUNITY):
            level = Area.Level.STREET
        rows = selectors.party_coverage(request.user, level=level)
        return Response(serializers.CoverageSerializer(rows, many=True).data)


class RegistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Direct registration (R2): applicants submit and follow; staff accept and decide."""

    serializer_class = serializers.RegistrationSerializer
    filterset_fields = ["state"]

    def get_queryset(self):
        return selectors.registrations_for(self.request.user)

    def _app(self, pk) -> RegistrationApplication:
        user = self.request.user
        return get_visible_or_404(
            user, selectors.without_others_drafts(user, RegistrationApplication.objects.all()), pk
        )

    def _render(self, app, code=status.HTTP_200_OK):
        app = selectors.registrations_for(self.request.user).get(pk=app.pk)
        return Response(serializers.RegistrationSerializer(app).data, status=code)

    @extend_schema(
        request=serializers.RegistrationInputSerializer,
        responses={201: serializers.RegistrationSerializer},
    )
    @idempotent
    def create(self, request):
        payload = serializers.RegistrationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        categories = data.pop("categories", [])
        submit = data.pop("submit", True)
        app = services.create_registration(
            by=request.user, data=data, categories=categories, submit=submit
        )
        return self._render(app, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.RegistrationUpdateSerializer,
        responses=serializers.RegistrationSerializer,
    )
    def partial_update(self, request, pk=None):
        app = self._app(pk)
        payload = serializers.RegistrationUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        categories = data.pop("categories", None)
        app = services.update_registration(
            application_id=app.pk, by=request.user, data=data, categories=categories
        )
        return self._render(app)

    @extend_schema(responses=serializers.RegistrationQueueSerializer(many=True))
    @action(detail=False, pagination_class=None)
    def queue(self, request):
        """Open applications with working days left on each decision (staff)."""
        if not is_staff_user(request.user):
            raise Forbidden(_("Only staff have a review queue."))
        rows = selectors.registration_queue(request.user)
        return Response(serializers.RegistrationQueueSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=serializers.RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        app = services.submit_registration(application_id=self._app(pk).pk, by=request.user)
        return self._render(app)

    @extend_schema(request=None, responses=serializers.RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        app = services.accept_registration(application_id=self._app(pk).pk, by=request.user)
        return self._render(app)

    @extend_schema(
        request=serializers.ReturnSerializer, responses=serializers.RegistrationSerializer
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_supplement(self, request, pk=None):
        app = self._app(pk)
        payload = serializers.ReturnSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        app = services.return_registration(
            application_id=app.pk, by=request.user, **payload.validated_data
        )
        return self._render(app)

    @extend_schema(
        request=serializers.ApproveSerializer, responses=serializers.RegistrationSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        app = self._app(pk)
        payload = serializers.ApproveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        app = services.approve_registration(
            application_id=app.pk, by=request.user, **payload.validated_data
        )
        return self._render(app)

    @extend_schema(
        request=serializers.ReasonSerializer, responses=serializers.RegistrationSerializer
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        app = self._app(pk)
        payload = serializers.ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        app = services.reject_registration(
            application_id=app.pk, by=request.user, reason=payload.validated_data["reason"]
        )
        return self._render(app)

    @extend_schema(
        request={"multipart/form-data": serializers.DocumentInputSerializer},
        responses={201: serializers.DocumentSerializer},
    )
    @action(detail=True, methods=["post"])
    def documents(self, request, pk=None):
        app = self._app(pk)
        payload = serializers.DocumentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        doc = services.attach_registration_document(
            application_id=app.pk,
            by=request.user,
            title=payload.validated_data["title"],
            upload=payload.validated_data["file"],
        )
        return Response(serializers.DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)


class FilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Filing of community groups (R3): community 初审, then the street federation files."""

    serializer_class = serializers.FilingSerializer
    filterset_fields = ["state"]

    def get_queryset(self):
        return selectors.filings_for(self.request.user)

    def _filing(self, pk) -> Filing:
        return get_visible_or_404(self.request.user, Filing.objects.all(), pk)

    def _render(self, filing, code=status.HTTP_200_OK):
        filing = selectors.filings_for(self.request.user).get(pk=filing.pk)
        return Response(serializers.FilingSerializer(filing).data, status=code)

    @extend_schema(
        request=serializers.FilingInputSerializer, responses={201: serializers.FilingSerializer}
    )
    @idempotent
    def create(self, request):
        payload = serializers.FilingInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        categories = data.pop("categories", [])
        filing = services.submit_filing(by=request.user, data=data, categories=categories)
        return self._render(filing, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.FilingInputSerializer, responses=serializers.FilingSerializer
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        filing = self._filing(pk)
        payload = serializers.FilingInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("categories", None)
        filing = services.resubmit_filing(filing_id=filing.pk, by=request.user, data=data)
        return self._render(filing)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.FilingSerializer)
    @action(detail=True, methods=["post"], url_path="pass-review")
    def pass_review(self, request, pk=None):
        filing = self._filing(pk)
        payload = serializers.NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        filing = services.review_filing(
            filing_id=filing.pk, by=request.user, passed=True, **payload.validated_data
        )
        return self._render(filing)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.FilingSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_filing(self, request, pk=None):
        filing = self._filing(pk)
        payload = serializers.ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        filing = services.review_filing(
            filing_id=filing.pk,
            by=request.user,
            passed=False,
            note=payload.validated_data["reason"],
        )
        return self._render(filing)

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.FilingSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file_group(self, request, pk=None):
        filing = self._filing(pk)
        payload = serializers.NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        filing = services.file_filing(
            filing_id=filing.pk, by=request.user, **payload.validated_data
        )
        return self._render(filing)

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.FilingSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        filing = self._filing(pk)
        payload = serializers.ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        filing = services.refuse_filing(
            filing_id=filing.pk, by=request.user, reason=payload.validated_data["reason"]
        )
        return self._render(filing)


class AnnualReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Annual reports (R8): members submit; staff record the conclusion."""

    serializer_class = serializers.AnnualReportSerializer
    filterset_fields = ["organization", "year", "conclusion"]

    def get_queryset(self):
        return visible(self.request.user, AnnualReport.objects.select_related("organization"))

    @extend_schema(
        request={"multipart/form-data": serializers.AnnualReportSerializer},
        responses={201: serializers.AnnualReportSerializer},
    )
    @idempotent
    def create(self, request):
        payload = serializers.AnnualReportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        org = get_visible_or_404(request.user, Organization.objects.all(), data["organization"].pk)
        report = services.submit_annual_report(
            organization_id=org.pk,
            year=data["year"],
            by=request.user,
            summary=data["summary"],
            income=data.get("income", 0),
            expenditure=data.get("expenditure", 0),
            upload=data.get("file"),
        )
        return Response(
            serializers.AnnualReportSerializer(report).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=serializers.ConclusionSerializer, responses=serializers.AnnualReportSerializer
    )
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        report = get_visible_or_404(request.user, AnnualReport.objects.all(), pk)
        payload = serializers.ConclusionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = services.conclude_annual_report(
            report_id=report.pk, by=request.user, **payload.validated_data
        )
        return Response(serializers.AnnualReportSerializer(report).data)


class CertificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Social-enterprise certification (R7): enterprises apply in the open batch; the
    district certifies (certificate number, validity) or refuses with a reason."""

    serializer_class = serializers.CertificationSerializer
    filterset_fields = ["state", "organization"]

    def get_queryset(self):
        return visible(
            self.request.user, Certification.objects.select_related("batch", "organization")
        )

    @extend_schema(
        request={"multipart/form-data": serializers.CertificationSerializer},
        responses={201: serializers.CertificationSerializer},
    )
    @idempotent
    def create(self, request):
        payload = serializers.CertificationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        org = get_visible_or_404(request.user, Organization.objects.all(), data["organization"].pk)
        cert = services.apply_for_certification(
            organization_id=org.pk,
            by=request.user,
            field=data["field"],
            description=data["description"],
            evidence=data.get("evidence"),
        )
        return Response(
            serializers.CertificationSerializer(cert).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=serializers.CertificationSerializer)
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        cert = get_visible_or_404(request.user, Certification.objects.all(), pk)
        cert = services.decide_certification(
            certification_id=cert.pk, by=request.user, certify=True
        )
        return Response(serializers.CertificationSerializer(cert).data)

    @extend_schema(
        request=serializers.ReasonSerializer, responses=serializers.CertificationSerializer
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        cert = get_visible_or_404(request.user, Certification.objects.all(), pk)
        payload = serializers.ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cert = services.decide_certification(
            certification_id=cert.pk,
            by=request.user,
            certify=False,
            note=payload.validated_data["reason"],
        )
        return Response(serializers.CertificationSerializer(cert).data)


# --- Enforcement and exit (R9), the four agency services (R6) -----------------------------


def _visible_organization(user, organization) -> Organization:
    """The organization named in a payload, or 404 when the caller cannot see it."""
    return get_visible_or_404(user, Organization.objects.all(), organization.pk)


class InterviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Administrative interviews (行政约谈): street and district staff hold them and record
    the outcome; read-only roles and the organization itself may read them."""

    serializer_class = serializers.InterviewSerializer
    filterset_fields = ["organization", "reason"]

    def get_queryset(self):
        return selectors.interviews_for(self.request.user)

    def _render(self, interview, code=status.HTTP_200_OK):
        interview = selectors.interviews_for(self.request.user).get(pk=interview.pk)
        return Response(serializers.InterviewSerializer(interview).data, status=code)

    @extend_schema(
        request=serializers.InterviewSerializer, responses={201: serializers.InterviewSerializer}
    )
    @idempotent
    def create(self, request):
        payload = serializers.InterviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        org = _visible_organization(request.user, data.pop("organization"))
        interview = services.hold_interview(organization_id=org.pk, by=request.user, **data)
        return self._render(interview, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.InterviewOutcomeSerializer, responses=serializers.InterviewSerializer
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record what the interview concluded and when to follow up."""
        interview = get_visible_or_404(request.user, Interview.objects.all(), pk)
        payload = serializers.InterviewOutcomeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        interview = services.record_interview_outcome(
            interview_id=interview.pk, by=request.user, **payload.validated_data
        )
        return self._render(interview)


class DeregistrationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Deregistration (注销): a member (for their organization) or district staff applies;
    the district starts liquidation, records and disposes of every asset, then deregisters.
    Deregistration is refused (409) while an asset is undisposed or the inventory is off."""

    serializer_class = serializers.DeregistrationSerializer
    filterset_fields = ["state", "kind", "organization"]

    def get_queryset(self):
        return selectors.deregistrations_for(self.request.user)

    def _dereg(self, pk) -> Deregistration:
        return get_visible_or_404(self.request.user, Deregistration.objects.all(), pk)

    def _render(self, dereg, code=status.HTTP_200_OK):
        dereg = selectors.deregistrations_for(self.request.user).get(pk=dereg.pk)
        return Response(serializers.DeregistrationSerializer(dereg).data, status=code)

    @extend_schema(
        request=serializers.DeregistrationSerializer,
        responses={201: serializers.DeregistrationSerializer},
    )
    @idempotent
    def create(self, request):
        payload = serializers.DeregistrationSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        org = _visible_organization(request.user, data["organization"])
        survivor = data.get("surviving_organization")
        dereg = services.open_deregistration(
            organization_id=org.pk,
            by=request.user,
            kind=data["kind"],
            reason=data["reason"],
            surviving_organization_id=survivor.pk if survivor else None,
        )
        return self._render(dereg, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.DeregistrationSerializer)
    @action(detail=True, methods=["post"], url_path="start-liquidation")
    def start_liquidation(self, request, pk=None):
        dereg = services.start_liquidation(deregistration_id=self._dereg(pk).pk, by=request.user)
        return self._render(dereg)

    @extend_schema(
        request=serializers.LiquidationAssetSerializer,
        responses={201: serializers.DeregistrationSerializer},
    )
    @action(detail=True, methods=["post"])
    def assets(self, request, pk=None):
        """Add an asset to the liquidation inventory (during liquidation)."""
        dereg = self._dereg(pk)
        payload = serializers.LiquidationAssetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.record_liquidation_asset(
            deregistration_id=dereg.pk, by=request.user, **payload.validated_data
        )
        return self._render(dereg, status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.DisposalSerializer, responses=serializers.DeregistrationSerializer
    )
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        """Record how one asset was disposed of: how, for how much, to whom."""
        dereg = self._dereg(pk)
        payload = serializers.DisposalSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        asset = get_object_or_404(LiquidationAsset, pk=data.pop("asset"), deregistration=dereg)
        services.dispose_liquidation_asset(asset_id=asset.pk, by=request.user, **data)
        return self._render(dereg)

    @extend_schema(
        request=serializers.NoteSerializer, responses=serializers.DeregistrationSerializer
    )
    @action(detail=True, methods=["post"])
    def deregister(self, request, pk=None):
        dereg = self._dereg(pk)
        payload = serializers.NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        dereg = services.complete_deregistration(
            deregistration_id=dereg.pk, by=request.user, **payload.validated_data
        )
        return self._render(dereg)


class AgencyRecordViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The federation's four agency services (四代, R6) for its filed groups: the group's
    members and the street's staff read them; the street's federation records them."""

    serializer_class = serializers.AgencyRecordSerializer
    filterset_fields = ["organization", "kind"]

    def get_queryset(self):
        return selectors.agency_records_for(self.request.user)

    @extend_schema(
        request=serializers.AgencyRecordSerializer,
        responses={201: serializers.AgencyRecordSerializer},
    )
    @idempotent
    def create(self, request):
        payload = serializers.AgencyRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        org = _visible_organization(request.user, data.pop("organization"))
        record = services.record_agency_service(organization_id=org.pk, by=request.user, **data)
        record = selectors.agency_records_for(request.user).get(pk=record.pk)
        return Response(
            serializers.AgencyRecordSerializer(record).data, status=status.HTTP_201_CREATED
        )
