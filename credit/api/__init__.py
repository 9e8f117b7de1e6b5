"""Credit API (C4): an organization's public credit, the public lists, and the two staff
decisions (remove from a list, correct an event), each through its service."""

from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from credit import selectors, serializers, services
from credit.models import ListEntry
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from registry.models import Organization


class OrganizationCreditView(GenericAPIView):
    """An organization's public credit: its star rating with the breakdown, its public
    events, and its places on the two lists with their dates."""

    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.OrganizationCreditOut
    queryset = Organization.objects.all()

    @extend_schema(responses=serializers.OrganizationCreditOut)
    def get(self, request, pk: int):
        org = get_object_or_404(Organization, pk=pk)
        page = selectors.public_credit_page(org)
        return Response(self.get_serializer(page).data)


class ListEntryFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ListEntry.Kind.choices)
    search = filters.CharFilter(help_text="Name fragment or exact credit code.")
    current = filters.BooleanFilter(help_text="Only organizations listed today (default).")

    class Meta:
        model = ListEntry
        fields = ["kind", "search", "current"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        current = data.get("current")
        return selectors.public_list(
            kind=data.get("kind") or "",
            search=data.get("search") or "",
            current_only=True if current is None else current,
        )


class ListEntryViewSet(ScopedActionsMixin, viewsets.ReadOnlyModelViewSet):
    """The public activity-anomaly and serious-dishonesty lists (every entry dated)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = serializers.CreditListEntryOut
    filterset_class = ListEntryFilter

    def get_queryset(self):
        return selectors.public_list(current_only=False)

    @extend_schema(request=serializers.CreditReasonIn, responses=serializers.CreditListEntryOut)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[permissions.IsAuthenticated],
        filterset_class=None,
    )
    def remove(self, request, pk=None):
        """Remove from the list: the registration body's decision, with a reason."""
        entry = self.visible_object(pk)
        data = self.parse(serializers.CreditReasonIn)
        entry = services.remove_from_list(entry_id=entry.pk, by=request.user, reason=data["reason"])
        return self.render(entry)


class CreditEventViewSet(ScopedActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Credit events staff and members may see (public or not); corrections by reversal."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.CreditEventOut

    def get_queryset(self):
        return selectors.events_for(self.request.user)

    @extend_schema(request=serializers.CreditReasonIn, responses={201: serializers.CreditEventOut})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Correct an event: a reversing event with the reason (the registration body)."""
        event = self.visible_object(pk)
        data = self.parse(serializers.CreditReasonIn)
        reversal = services.reverse_credit_event(
            event_id=event.pk, by=request.user, reason=data["reason"]
        )
        return self.render(reversal, status=201)


class AppealViewSet(ScopedActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Appeals of a star rating, a list entry or a grade evaluation result: members file,
    the registration body decides."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.CreditAppealOut

    def get_queryset(self):
        return selectors.appeals_for(self.request.user)

    @extend_schema(request=serializers.CreditAppealIn, responses={201: serializers.CreditAppealOut})
    @idempotent
    def create(self, request):
        data = self.parse(serializers.CreditAppealIn)
        appeal = services.submit_appeal(
            by=request.user,
            grounds=data["grounds"],
            rating_id=data.get("rating"),
            list_entry_id=data.get("list_entry"),
            grade_id=data.get("grade"),
        )
        return self.render(appeal, status=201)

    @extend_schema(
        request=serializers.CreditAppealDecisionIn, responses=serializers.CreditAppealOut
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Uphold or dismiss, with the reason (a wrong list entry is removed at once, a
        grade goes back to the evaluator)."""
        appeal = self.visible_object(pk)
        data = self.parse(serializers.CreditAppealDecisionIn)
        appeal = services.decide_appeal(
            appeal_id=appeal.pk, by=request.user, uphold=data["uphold"], reason=data["reason"]
        )
        return self.render(appeal)
