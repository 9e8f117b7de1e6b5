"""The supply list (P3): public reading; organizations publish and withdraw their own."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from procurement import selectors
from procurement.api.filters import OfferFilter
from procurement.models import Offer
from procurement.serializers import offers as s
from procurement.services import offers as svc


class OfferViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The supply list: active offers, public; organizations publish and withdraw their own."""

    serializer_class = s.OfferOut
    output_serializer_class = s.OfferOut
    filterset_class = OfferFilter

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        return selectors.active_offers()

    @extend_schema(
        summary=gettext_lazy("Publish an offer (organization members)"),
        request=s.OfferIn,
        responses={201: s.OfferOut},
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.OfferIn)
        organization = selectors.listed_organization(v.pop("organization"))
        if organization is None:
            raise serializers.ValidationError(
                {"organization": [_("No such organization in the directory.")]}
            )
        offer = svc.publish_offer(
            by=request.user,
            organization=organization,
            category=v["category"],
            title=v["title"],
            description=v["description"],
            areas=v["areas"],
            valid_until=v["valid_until"],
            capacity_per_month=v["capacity_per_month"],
            is_free=v["is_free"],
            price_min=v.get("price_min"),
            price_max=v.get("price_max"),
        )
        return self.render(offer, status=201)

    @extend_schema(
        summary=gettext_lazy("Withdraw an offer (its organization's members)"),
        request=None,
        responses=s.OfferStateOut,
        description=gettext_lazy(
            "403 for anybody but the organization's members; 409 when the offer is no "
            "longer active."
        ),
    )
    @action(detail=True, methods=["post"], filterset_class=None)
    def withdraw(self, request, pk=None):
        offer = self.visible_object(pk, Offer.objects.all())
        offer = svc.withdraw_offer(offer_id=offer.pk, by=request.user)
        return Response(s.OfferStateOut(offer).data)
