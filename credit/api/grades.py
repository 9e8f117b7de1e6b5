"""Grade evaluation API (C3): staff assign, the assigned evaluator enters scores, staff award."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action

from credit import selectors, serializers, services
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent


class EvaluationViewSet(ScopedActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Grade evaluations the caller may see (staff of the area, the organization's members,
    the third-party evaluator it is assigned to)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = serializers.CreditEvaluationOut
    # The evaluator is otherwise read-only: entering scores is its own write.
    read_only_roles_may = {"scores"}

    def get_queryset(self):
        return selectors.evaluations_for(self.request.user).order_by("-pk")

    @extend_schema(
        request=serializers.CreditEvaluationIn, responses={201: serializers.CreditEvaluationOut}
    )
    @idempotent
    def create(self, request):
        """Put an organization in a round, assigned to a third-party evaluator (district)."""
        data = self.parse(serializers.CreditEvaluationIn)
        evaluation = services.assign_evaluation(
            by=request.user,
            round_id=data["round"],
            organization_id=data["organization"],
            evaluator_id=data["evaluator"],
        )
        return self.render(evaluation, status=201)

    @extend_schema(request=serializers.CreditScoresIn, responses=serializers.CreditEvaluationOut)
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        """The assigned evaluator enters the four indicator scores (until the award)."""
        evaluation = self.visible_object(pk)
        data = self.parse(serializers.CreditScoresIn)
        comments = data.pop("comments", "")
        evaluation = services.enter_scores(
            by=request.user, evaluation_id=evaluation.pk, scores=data, comments=comments
        )
        return self.render(evaluation)

    @extend_schema(request=None, responses=serializers.CreditEvaluationOut)
    @action(detail=True, methods=["post"])
    def award(self, request, pk=None):
        """Award the grade from the round's thresholds (the registration body)."""
        evaluation = self.visible_object(pk)
        evaluation = services.award_grade(by=request.user, evaluation_id=evaluation.pk)
        return self.render(evaluation)
