"""Social-enterprise certification (R7): enterprises apply in the open batch; the district
certifies (certificate number, validity) or refuses with a reason."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

from huitian.access import visible
from huitian.api.idempotency import idempotent
from registry import serializers, services
from registry.api.base import OrganizationPayloadMixin
from registry.models import Certification


class CertificationViewSet(
    OrganizationPayloadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.CertificationSerializer
    filterset_fields = ["state", "organization"]

    def get_queryset(self):
        return visible(
            self.request.user, Certification.objects.select_related("batch", "organization")
        )

    @extend_schema(
        request={"multipart/form-data": serializers.CertificationInputSerializer},
        responses={201: serializers.CertificationSerializer},
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.CertificationInputSerializer)
        org = self.visible_organization(data)
        cert = services.apply_for_certification(
            organization_id=org.pk,
            by=request.user,
            field=data["field"],
            description=data["description"],
            evidence=data.get("evidence"),
        )
        return self.render(cert, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.CertificationSerializer)
    @action(detail=True, methods=["post"])
    def certify(self, request, pk=None):
        cert = self.visible_object(pk)
        return self.render(
            services.decide_certification(certification_id=cert.pk, by=request.user, certify=True)
        )

    @extend_schema(
        request=serializers.ReasonSerializer, responses=serializers.CertificationSerializer
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        cert = self.visible_object(pk)
        data = self.parse(serializers.ReasonSerializer)
        return self.render(
            services.decide_certification(
                certification_id=cert.pk, by=request.user, certify=False, note=data["reason"]
            )
        )
