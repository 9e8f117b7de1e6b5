"""Honours API (C6): the public roll; nominations by staff, selection by the district."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action

from credit import selectors, serializers, services
from credit.models import Nomination
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent


class HonourFilter(filters.FilterSet):
    year = filters.NumberFilter()
    kind = filters.ChoiceFilter(choices=Nomination.Kind.choices)

    class Meta:
        model = Nomination
        fields = ["year", "kind"]


class HonourViewSet(viewsets.ReadOnlyModelViewSet):
    """The public roll of honours (selected nominations), newest year first."""

    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.CreditHonourOut
    filterset_class = HonourFilter

    def get_queryset(self):
        return selectors.honour_roll()


class NominationViewSet(ScopedActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Nominations staff may see; staff nominate in their areas, the district selects."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.CreditHonourOut

    def get_queryset(self):
        return selectors.nominations_for(self.request.user).order_by("-pk")

    @extend_schema(
        request=serializers.CreditNominationIn, responses={201: serializers.CreditHonourOut}
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.CreditNominationIn)
        nomination = services.nominate(
            by=request.user,
            year=data["year"],
            kind=data["kind"],
            grounds=data["grounds"],
            organization_id=data.get("organization"),
            community_id=data.get("community"),
            project_name=data.get("project_name", ""),
        )
        return self.render(nomination, status=201)

    @extend_schema(
        request=serializers.CreditNominationDecisionIn, responses=serializers.CreditHonourOut
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        nomination = self.visible_object(pk)
        data = self.parse(serializers.CreditNominationDecisionIn)
        nomination = services.decide_nomination(
            by=request.user,
            nomination_id=nomination.pk,
            select=data["select"],
            reason=data.get("reason", ""),
        )
        return self.render(nomination)
