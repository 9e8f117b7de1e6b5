"""Kernel API: areas, the caller, notifications, tokens."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from huitian import services
from huitian.access import visible
from huitian.api import serializers
from huitian.api.actions import ScopedActionsMixin
from huitian.api.errors import error_body, lockout_message
from huitian.api.throttling import LoginThrottle
from huitian.models import Area, Notification, RoleAssignment


class AreaFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=Area.Level.choices)
    parent = filters.ModelChoiceFilter(queryset=Area.objects.all(), help_text=_("Parent area id"))
    code = filters.CharFilter(lookup_expr="startswith")
    active = filters.BooleanFilter(field_name="is_active")

    class Meta:
        model = Area
        fields = ["level", "parent", "code", "active"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """The district → street/town → community tree (public reference data)."""

    serializer_class = serializers.AreaSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = AreaFilter

    def get_queryset(self):
        return visible(self.request.user, Area.objects.order_by("code"))


class MeView(APIView):
    """The signed-in user and the roles they hold."""

    @extend_schema(responses=serializers.MeSerializer)
    def get(self, request):
        user = request.user
        user.active_assignments = list(
            RoleAssignment.objects.filter(user=user, is_active=True).select_related(
                "area", "organization"
            )
        )
        return Response(serializers.MeSerializer(user).data)


class NotificationViewSet(ScopedActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's in-app notifications, newest first."""

    serializer_class = serializers.NotificationSerializer
    # Marking one's own notifications read writes personal state, not a domain record:
    # auditors and evaluators may do it too.
    read_only_roles_may = {"mark_read", "read"}
    workflow_conflicts = False

    def get_queryset(self):
        return visible(self.request.user, Notification.objects.all())

    @extend_schema(request=None, responses=serializers.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one of the caller's notifications read (404 for anybody else's)."""
        notification = self.visible_object(pk)
        services.mark_notifications_read(user=request.user, ids=[notification.pk])
        return self.render(notification)

    @extend_schema(request=serializers.MarkReadSerializer, responses=serializers.MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        payload = serializers.MarkReadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        count = services.mark_notifications_read(
            user=request.user, ids=payload.validated_data.get("ids")
        )
        return Response({"marked": count})


class TokenView(TokenObtainPairView):
    """Exchange a username and password for an access and a refresh token (the app)."""

    throttle_classes = [LoginThrottle]
    serializer_class = serializers.TokenObtainSerializer
    workflow_conflicts = False
    extra_error_statuses = {401}  # wrong username or password

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            # django-axes refuses inside authenticate(), which turns that into a plain
            # failure; say "locked, try later" instead of "wrong password".
            if getattr(request, "axes_locked_out", False):
                return Response(error_body("locked_out", lockout_message()), status=429)
            raise


class TokenRefresh(TokenRefreshView):
    """Exchange a refresh token for new access and refresh tokens (the old one is spent)."""

    throttle_classes = [LoginThrottle]
    serializer_class = serializers.TokenRefreshSerializer
    workflow_conflicts = False
    extra_error_statuses = {401}  # an invalid, expired or spent refresh token
