"""Direct registration (R2): applicants submit and follow; staff accept and decide."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from huitian.access import Forbidden, is_staff_user
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from registry import selectors, serializers, services
from registry.error_codes import ErrorCode
from registry.models import RegistrationApplication


class QueueFilter(filters.FilterSet):
    """The review queue's one filter: an open state (approved and rejected are not queued)."""

    state = filters.ChoiceFilter(
        choices=[(state.value, state.label) for state in selectors.QUEUE_STATES],
        help_text=_("Only applications in this open state."),
    )

    class Meta:
        model = RegistrationApplication
        fields = ["state"]


class RegistrationViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = serializers.RegistrationSerializer
    filterset_class = None  # the list filters by filterset_fields; the queue by QueueFilter
    filterset_fields = ["state"]

    def get_queryset(self):
        return selectors.registrations_for(self.request.user)

    @extend_schema(
        request=serializers.RegistrationInputSerializer,
        responses={201: serializers.RegistrationSerializer},
    )
    @idempotent
    def create(self, request):
        data = self.parse(serializers.RegistrationInputSerializer)
        categories = data.pop("categories", [])
        submit = data.pop("submit", True)
        app = services.create_registration(
            by=request.user, data=data, categories=categories, submit=submit
        )
        return self.render(app, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.RegistrationUpdateSerializer,
        responses=serializers.RegistrationSerializer,
    )
    def partial_update(self, request, pk=None):
        app = self.visible_object(pk)
        data = self.parse(serializers.RegistrationUpdateSerializer, partial=True)
        categories = data.pop("categories", None)
        app = services.update_registration(
            application_id=app.pk, by=request.user, data=data, categories=categories
        )
        return self.render(app)

    @extend_schema(responses=serializers.RegistrationQueueSerializer(many=True))
    @action(detail=False, pagination_class=None, filterset_class=QueueFilter)
    def queue(self, request):
        """Open applications with working days left on each decision (staff)."""
        if not is_staff_user(request.user):
            raise Forbidden(_("Only staff have a review queue."), code=ErrorCode.PERMISSION_DENIED)
        query = QueueFilter(request.query_params, queryset=RegistrationApplication.objects.none())
        if not query.is_valid():
            raise ValidationError(query.errors)
        rows = selectors.registration_queue(
            request.user, state=query.form.cleaned_data.get("state") or ""
        )
        return Response(serializers.RegistrationQueueSerializer(rows, many=True).data)

    @extend_schema(request=None, responses=serializers.RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        app = self.visible_object(pk)
        return self.render(services.submit_registration(application_id=app.pk, by=request.user))

    @extend_schema(request=None, responses=serializers.RegistrationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        app = self.visible_object(pk)
        return self.render(services.accept_registration(application_id=app.pk, by=request.user))

    @extend_schema(
        request=serializers.ReturnSerializer, responses=serializers.RegistrationSerializer
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_for_supplement(self, request, pk=None):
        app = self.visible_object(pk)
        data = self.parse(serializers.ReturnSerializer)
        return self.render(
            services.return_registration(application_id=app.pk, by=request.user, **data)
        )

    @extend_schema(
        request=serializers.ApproveSerializer, responses=serializers.RegistrationSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        app = self.visible_object(pk)
        data = self.parse(serializers.ApproveSerializer)
        return self.render(
            services.approve_registration(application_id=app.pk, by=request.user, **data)
        )

    @extend_schema(
        request=serializers.ReasonSerializer, responses=serializers.RegistrationSerializer
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        app = self.visible_object(pk)
        data = self.parse(serializers.ReasonSerializer)
        return self.render(
            services.reject_registration(
                application_id=app.pk, by=request.user, reason=data["reason"]
            )
        )

    @extend_schema(
        request={"multipart/form-data": serializers.DocumentInputSerializer},
        responses={201: serializers.DocumentSerializer},
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def documents(self, request, pk=None):
        app = self.visible_object(pk)
        data = self.parse(serializers.DocumentInputSerializer)
        doc = services.attach_registration_document(
            application_id=app.pk, by=request.user, title=data["title"], upload=data["file"]
        )
        return Response(serializers.DocumentSerializer(doc).data, status=status.HTTP_201_CREATED)
