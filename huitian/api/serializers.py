from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import serializers as jwt

from huitian.models import Area, Category, Notification, RoleAssignment, User
from huitian.notice_kinds import kind_label
from huitian.tokens import PasswordBoundRefreshToken, user_of


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Parent area id"
    )
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level", "level_display", "parent", "is_active"]


class RoleAssignmentSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    area_name = serializers.CharField(
        source="area.name", read_only=True, default=None, allow_null=True
    )
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = RoleAssignment
        fields = ["role", "role_display", "area", "area_name", "organization", "organization_name"]


class MeSerializer(serializers.ModelSerializer):
    roles = RoleAssignmentSerializer(source="active_assignments", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "roles"]


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField(
        help_text=_("What the kind means, in words (the kind itself is a code for machines).")
    )

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at"]

    def get_kind_label(self, obj) -> str:
        return kind_label(obj.kind)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=500
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were marked read."))


class TokenObtainSerializer(jwt.TokenObtainPairSerializer):
    """Bounds the fields before they reach authentication and the lockout log."""

    token_class = PasswordBoundRefreshToken
    default_error_messages = {
        "no_active_account": _(
            "The user name (or mobile number) or the password is not right. Check them and "
            "try again, or sign in with a code sent by SMS."
        )
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.username_field] = serializers.CharField(max_length=150, write_only=True)
        self.fields["password"] = serializers.CharField(
            max_length=4096,
            write_only=True,
            trim_whitespace=False,
            style={"input_type": "password"},
        )


class TokenRefreshSerializer(jwt.TokenRefreshSerializer):
    """A new access token and a new refresh token; the one used is blacklisted.

    Refused (401) when the password changed since the token was issued.
    """

    token_class = PasswordBoundRefreshToken
    refresh = serializers.CharField(max_length=2000)
    access = serializers.CharField(read_only=True)

    def validate(self, attrs):
        token = self.token_class(attrs["refresh"])
        try:
            user_of(token)
        except AuthenticationFailed:
            token.blacklist()  # a superseded token is never accepted again
            raise
        return super().validate(attrs)


class AreaRefSerializer(serializers.ModelSerializer):
    """How other records point at an area in API output (shared by every app)."""

    class Meta:
        model = Area
        fields = ["id", "code", "name", "level"]
        ref_name = "AreaRef"


class CategoryRefSerializer(serializers.ModelSerializer):
    """How other records point at a service category in API output (shared by every app)."""

    class Meta:
        model = Category
        fields = ["id", "code", "name"]
        ref_name = "CategoryRef"


class StrictCharField(serializers.CharField):
    """A CharField that takes text only: 123 or [..] is refused, not turned into "123".

    For inputs where a number means the client is confused (a description, a phone
    number sent as 13800138000 loses nothing now but a leading 0 or "+86" later).
    """

    default_error_messages = {"not_text": _("Send text here (in quotes), not a number or list.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_text")
        return super().to_internal_value(data)
