"""Deregistration (注销, R9): a member (for their organization) or district staff applies;
the district starts liquidation, records and disposes of every asset, then deregisters.
Deregistration is refused (409) while an asset is undisposed or the inventory is off."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

from huitian.api.idempotency import idempotent
from registry import selectors, serializers, services
from registry.api.base import OrganizationPayloadMixin
from registry.models import LiquidationAsset


class DeregistrationViewSet(
    OrganizationPayloadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = serializers.DeregistrationSerializer
    filterset_fields = ["state", "kind", "organization"]

    def get_queryset(self):
        return selectors.deregistrations_for(self.request.user)

    @extend_schema(
        request=serializers.DeregistrationInputSerializer,
        responses={201: serializers.DeregistrationSerializer},
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.DeregistrationInputSerializer)
        org = self.visible_organization(data)
        survivor = data.get("surviving_organization")
        dereg = services.open_deregistration(
            organization_id=org.pk,
            by=request.user,
            kind=data["kind"],
            reason=data["reason"],
            surviving_organization_id=survivor.pk if survivor else None,
        )
        return self.render(dereg, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=serializers.DeregistrationSerializer)
    @action(detail=True, methods=["post"], url_path="start-liquidation")
    def start_liquidation(self, request, pk=None):
        dereg = self.visible_object(pk)
        return self.render(services.start_liquidation(deregistration_id=dereg.pk, by=request.user))

    @extend_schema(
        request=serializers.LiquidationAssetSerializer,
        responses={201: serializers.DeregistrationSerializer},
    )
    @action(detail=True, methods=["post"])
    def assets(self, request, pk=None):
        """Add an asset to the liquidation inventory (during liquidation)."""
        dereg = self.visible_object(pk)
        data = self.parse(serializers.LiquidationAssetSerializer)
        services.record_liquidation_asset(deregistration_id=dereg.pk, by=request.user, **data)
        return self.render(dereg, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.DisposalSerializer, responses=serializers.DeregistrationSerializer
    )
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        """Record how one asset was disposed of: how, for how much, to whom."""
        dereg = self.visible_object(pk)
        data = self.parse(serializers.DisposalSerializer)
        asset = get_object_or_404(LiquidationAsset, pk=data.pop("asset"), deregistration=dereg)
        services.dispose_liquidation_asset(asset_id=asset.pk, by=request.user, **data)
        return self.render(dereg)

    @extend_schema(
        request=serializers.NoteSerializer, responses=serializers.DeregistrationSerializer
    )
    @action(detail=True, methods=["post"])
    def deregister(self, request, pk=None):
        dereg = self.visible_object(pk)
        data = self.parse(serializers.NoteSerializer)
        return self.render(
            services.complete_deregistration(deregistration_id=dereg.pk, by=request.user, **data)
        )
