"""Residents' accounts for the app: SMS code, sign-up, sign-in by code, erasure.

Password sign-in is `POST /api/v1/auth/token/` with the mobile number as username.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from huitian import signup
from huitian.api.serializers import StrictCharField
from huitian.api.throttling import LoginThrottle
from huitian.models import Area, PhoneCode
from huitian.tokens import PasswordBoundRefreshToken


class CodeIn(serializers.Serializer):
    phone = StrictCharField(max_length=20, help_text=_("Mainland mobile number."))
    purpose = serializers.ChoiceField(
        choices=PhoneCode.Purpose.choices, default=PhoneCode.Purpose.SIGN_UP
    )


CodeSentOut = inline_serializer(
    "SMSCodeSent",
    {
        "phone": serializers.CharField(help_text=_("The number the code went to.")),
        "expires_in": serializers.IntegerField(help_text=_("Seconds the code stays valid.")),
        "resend_in": serializers.IntegerField(help_text=_("Seconds before another code.")),
    },
)


class SignUpIn(serializers.Serializer):
    phone = StrictCharField(max_length=20)
    code = StrictCharField(max_length=12, help_text=_("The six digits sent by SMS."))
    community = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Area.objects.filter(level=Area.Level.COMMUNITY, is_active=True),
        help_text=_("Division code of the home community (GET /api/v1/areas/?level=community)."),
    )
    password = StrictCharField(
        max_length=128,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
        help_text=_("Optional: without one, sign in with a code."),
    )
    real_name = StrictCharField(max_length=30, required=False, allow_blank=True)


class CodeSignInIn(serializers.Serializer):
    phone = StrictCharField(max_length=20)
    code = StrictCharField(max_length=12)


TokensOut = inline_serializer(
    "ResidentTokens",
    {
        "user": serializers.IntegerField(),
        "username": serializers.CharField(),
        "access": serializers.CharField(),
        "refresh": serializers.CharField(),
    },
)


def _tokens(user) -> dict:
    refresh = PasswordBoundRefreshToken.for_user(user)
    return {
        "user": user.pk,
        "username": user.username,
        "access": str(refresh.access_token),
        "refresh": str(refresh),
    }


class AnonymousAccountView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]
    authentication_classes = []
    workflow_conflicts = False


class SMSCodeView(AnonymousAccountView):
    """Send a one-time code by SMS (sign up or sign in); throttled per number and address."""

    workflow_conflicts = True  # 409 sms_unavailable when the provider refuses

    @extend_schema(tags=["accounts"], request=CodeIn, responses={202: CodeSentOut})
    def post(self, request):
        payload = CodeIn(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            row = signup.request_code(
                phone=payload.validated_data["phone"],
                purpose=payload.validated_data["purpose"],
                address=signup.client_address(request),
            )
        except signup.CodeThrottled as exc:
            raise Throttled(wait=exc.wait, detail=str(exc.detail)) from None
        from django.conf import settings

        return Response(
            {
                "phone": row.phone,
                "expires_in": settings.SMS_CODE_TTL_SECONDS,
                "resend_in": settings.SMS_RESEND_SECONDS,
            },
            status=202,
        )


class SignUpView(AnonymousAccountView):
    """Create a resident's account with a verified mobile number; answers with tokens."""

    @extend_schema(tags=["accounts"], request=SignUpIn, responses={201: TokensOut})
    def post(self, request):
        payload = SignUpIn(data=request.data)
        payload.is_valid(raise_exception=True)
        v = payload.validated_data
        user = signup.sign_up(
            phone=v["phone"],
            code=v["code"],
            community=v["community"],
            password=v.get("password", ""),
            real_name=v.get("real_name", ""),
        )
        return Response(_tokens(user), status=201)


class CodeTokenView(AnonymousAccountView):
    """Sign in with a code sent by SMS instead of a password; answers with tokens."""

    @extend_schema(tags=["accounts"], request=CodeSignInIn, responses={200: TokensOut})
    def post(self, request):
        payload = CodeSignInIn(data=request.data)
        payload.is_valid(raise_exception=True)
        user = signup.sign_in_with_code(
            phone=payload.validated_data["phone"], code=payload.validated_data["code"]
        )
        return Response(_tokens(user))


class AccountView(APIView):
    """The caller's own account: DELETE erases it (needs stay, without the person)."""

    workflow_conflicts = False
    extra_error_statuses = {400}  # staff and organization accounts are not erased here

    @extend_schema(tags=["accounts"], request=None, responses={204: None})
    def delete(self, request):
        signup.erase_account(user=request.user)
        return Response(status=204)
