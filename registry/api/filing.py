"""Filing of community groups (R3): community 初审, then the street federation files."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from registry import selectors, serializers, services


class FilingViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = serializers.FilingSerializer
    filterset_fields = ["state"]

    def get_queryset(self):
        return selectors.filings_for(self.request.user)

    @extend_schema(
        request=serializers.FilingInputSerializer,
        responses={201: serializers.FilingSerializer},
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.FilingInputSerializer)
        categories = data.pop("categories", [])
        filing = services.submit_filing(by=request.user, data=data, categories=categories)
        return self.render(filing, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.FilingInputSerializer, responses=serializers.FilingSerializer
    )
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        filing = self.visible_object(pk)
        data = self.parse(serializers.FilingInputSerializer, partial=True)
        data.pop("categories", None)
        return self.render(
            services.resubmit_filing(filing_id=filing.pk, by=request.user, data=data)
        )

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.FilingSerializer)
    @action(detail=True, methods=["post"], url_path="pass-review")
    def pass_review(self, request, pk=None):
        filing = self.visible_object(pk)
        data = self.parse(serializers.NoteSerializer)
        return self.render(
            services.review_filing(filing_id=filing.pk, by=request.user, passed=True, **data)
        )

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.FilingSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_filing(self, request, pk=None):
        filing = self.visible_object(pk)
        data = self.parse(serializers.ReasonSerializer)
        return self.render(
            services.review_filing(
                filing_id=filing.pk, by=request.user, passed=False, note=data["reason"]
            )
        )

    @extend_schema(request=serializers.NoteSerializer, responses=serializers.FilingSerializer)
    @action(detail=True, methods=["post"], url_path="file")
    def file_group(self, request, pk=None):
        filing = self.visible_object(pk)
        data = self.parse(serializers.NoteSerializer)
        return self.render(services.file_filing(filing_id=filing.pk, by=request.user, **data))

    @extend_schema(request=serializers.ReasonSerializer, responses=serializers.FilingSerializer)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        filing = self.visible_object(pk)
        data = self.parse(serializers.ReasonSerializer)
        return self.render(
            services.refuse_filing(filing_id=filing.pk, by=request.user, reason=data["reason"])
        )
