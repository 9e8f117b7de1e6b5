"""Public voice API (C5): residents rate and complain; supervising staff verify."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action

from credit import selectors, serializers, services
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent


class ReviewViewSet(ScopedActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Service ratings: a resident's own, and those staff and members may see."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.CreditReviewOut

    def get_queryset(self):
        return selectors.reviews_for(self.request.user).order_by("-pk")

    @extend_schema(request=serializers.CreditReviewIn, responses={201: serializers.CreditReviewOut})
    @idempotent
    def create(self, request):
        """Rate an organization's service: once per need it handled for you or activity
        you took part in."""
        data = self.parse(serializers.CreditReviewIn)
        review = services.rate_service(
            by=request.user,
            rating=data["rating"],
            comment=data.get("comment", ""),
            need_id=data.get("need"),
            activity_id=data.get("activity"),
        )
        return self.render(review, status=201)


class ComplaintViewSet(ScopedActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Complaints: they count only once supervising staff verified them."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.CreditComplaintOut

    def get_queryset(self):
        return selectors.complaints_for(self.request.user).order_by("-pk")

    @extend_schema(
        request=serializers.CreditComplaintIn, responses={201: serializers.CreditComplaintOut}
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.CreditComplaintIn)
        complaint = services.file_complaint(
            by=request.user,
            text=data["text"],
            need_id=data.get("need"),
            activity_id=data.get("activity"),
        )
        return self.render(complaint, status=201)

    @extend_schema(
        request=serializers.CreditComplaintDecisionIn, responses=serializers.CreditComplaintOut
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Verify (a credit event) or reject, with what the check found."""
        complaint = self.visible_object(pk)
        data = self.parse(serializers.CreditComplaintDecisionIn)
        complaint = services.decide_complaint(
            by=request.user,
            complaint_id=complaint.pk,
            verified=data["verified"],
            reason=data["reason"],
        )
        return self.render(complaint)
