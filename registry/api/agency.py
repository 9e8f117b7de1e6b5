"""The federation's four agency services (四代, R6) for its filed groups: the group's
members and the street's staff read them; the street's federation records them."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets

from huitian.api.idempotency import idempotent
from registry import selectors, serializers, services
from registry.api.base import OrganizationPayloadMixin


class AgencyRecordViewSet(
    OrganizationPayloadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.AgencyRecordSerializer
    filterset_fields = ["organization", "kind"]

    def get_queryset(self):
        return selectors.agency_records_for(self.request.user)

    @extend_schema(
        request=serializers.AgencyRecordInputSerializer,
        responses={201: serializers.AgencyRecordSerializer},
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.AgencyRecordInputSerializer)
        org = self.visible_organization(data)
        record = services.record_agency_service(organization_id=org.pk, by=request.user, **data)
        return self.render(record, status=status.HTTP_201_CREATED)
