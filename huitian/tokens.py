"""App tokens (simplejwt) bound to the user's password.

Every token carries a fingerprint of the user's password hash (an HMAC keyed by the
secret key, so the hash itself never leaves the server). Changing or resetting the
password — in the portal, the admin or `manage.py changepassword` — changes the
fingerprint, so every access and refresh token issued before stops working at once,
with no signal to forget and no token table to sweep. Refresh tokens also rotate:
each refresh returns a new one and blacklists the one used
(`rest_framework_simplejwt.token_blacklist`), so a stolen refresh token works once.
"""

from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

from huitian import access

CLAIM = "pwd"


def password_fingerprint(user) -> str:
    return salted_hmac("huitian.tokens.password", user.password, algorithm="sha256").hexdigest()[
        :20
    ]


def matches_password(token, user) -> bool:
    return constant_time_compare(str(token.get(CLAIM, "")), password_fingerprint(user))


SUPERSEDED = _("This token was issued before the password changed; sign in again.")


class PasswordBoundRefreshToken(RefreshToken):
    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[CLAIM] = password_fingerprint(user)  # copied into its access tokens
        return token


def user_of(token):
    """The token's user if the token is still good for them, else AuthenticationFailed."""
    user_id = token.payload.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
    if user is None or not api_settings.USER_AUTHENTICATION_RULE(user):
        raise AuthenticationFailed(_("No active account found for this token."), "user_inactive")
    if not matches_password(token, user):
        raise AuthenticationFailed(SUPERSEDED, "token_superseded")
    return user


class PasswordBoundJWTAuthentication(JWTAuthentication):
    """Bearer tokens, refused once the user's password has changed.

    The user is read with their role assignments in one query (`access.user_with_grants`):
    every API request scopes by them, so a second round trip would follow at once.
    """

    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as exc:
            raise InvalidToken(_("Token contained no recognizable user identification")) from exc
        user = access.user_with_grants(self.user_model, user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if not matches_password(validated_token, user):
            raise AuthenticationFailed(SUPERSEDED, "token_superseded")
        access.take_grants(user)
        return user


class PasswordBoundJWTScheme(SimpleJWTScheme):
    """The OpenAPI schema documents it as the bearer scheme it is."""

    target_class = "huitian.tokens.PasswordBoundJWTAuthentication"
