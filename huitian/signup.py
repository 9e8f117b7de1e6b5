"""Residents' own accounts (K2): sign-up with a mobile number verified by an SMS code,
sign-in by password or code, and erasure on request.

Rules every door (portal page, API) shares live here:

- a code is six digits, valid `SMS_CODE_TTL_SECONDS`, one at a time per number and
  purpose (a new one spends the old), at most `SMS_CODE_MAX_ATTEMPTS` tries;
- sending is throttled per number (one a minute, `SMS_PER_NUMBER_HOUR` an hour) and per
  client address (`SMS_PER_ADDRESS_HOUR` an hour), counted from the stored rows;
- only keyed hashes of the code and of the address are stored, and nothing here logs
  either (the SMS backend sends the code and forgets it);
- a resident's account is a user named by the mobile number, with the resident role in
  the home community chosen from the area tree; the real name is optional;
- erasing an account keeps the records (needs and their figures) but not the person:
  each domain app's `accounts.erase_user(user)` hook clears what it holds about them.
"""

import datetime
import enum
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian import sms
from huitian.access import forget_grants
from huitian.models import Area, PhoneCode, Role, RoleAssignment, Transition, User
from huitian.plugins import app_module
from huitian.privacy import blank_personal_history
from huitian.validators import MOBILE_RE, check_lengths, normalize_phone
from huitian.workflow import WorkflowError

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
HOUR = 3600


class ErrorCode(enum.StrEnum):
    CODE_THROTTLED = "code_throttled"
    SMS_UNAVAILABLE = "sms_unavailable"


class CodeThrottled(WorkflowError):
    """Too many codes for this number or from this address; `wait` seconds to go."""

    def __init__(self, detail, wait: int):
        super().__init__(ErrorCode.CODE_THROTTLED, detail)
        self.wait = wait


def _digest(*parts: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def client_address(request) -> str:
    """The caller's address as the lockout sees it (behind the proxy: X-Forwarded-For)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""


def mobile_or_error(phone: str) -> str:
    number = normalize_phone(phone or "")
    if not MOBILE_RE.match(number):
        raise ValidationError(
            {
                "phone": ValidationError(
                    _("Enter your mobile number: 11 digits starting with 1, such as 13812345678."),
                    code="mobile_invalid",
                )
            }
        )
    return number


def account_for(phone: str) -> User | None:
    return User.objects.filter(username=phone).first() or (
        User.objects.filter(phone=phone, is_active=True).order_by("pk").first()
    )


def _throttle(number: str, address_hash: str) -> None:
    now = timezone.now()
    hour_ago = now - datetime.timedelta(seconds=HOUR)
    sent = list(
        PhoneCode.objects.filter(phone=number, created_at__gte=hour_ago)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
    )
    if sent:
        wait = settings.SMS_RESEND_SECONDS - int((now - sent[0]).total_seconds())
        if wait > 0:
            raise CodeThrottled(
                _("A code was just sent to this number; you can ask again in %(n)d seconds.")
                % {"n": wait},
                wait,
            )
    if len(sent) >= settings.SMS_PER_NUMBER_HOUR:
        wait = HOUR - int((now - sent[settings.SMS_PER_NUMBER_HOUR - 1]).total_seconds())
        raise CodeThrottled(
            _("Too many codes for this number; try again in %(n)d minutes.")
            % {"n": max(1, wait // 60)},
            wait,
        )
    from_here = PhoneCode.objects.filter(address_hash=address_hash, created_at__gte=hour_ago)
    if address_hash and from_here.count() >= settings.SMS_PER_ADDRESS_HOUR:
        raise CodeThrottled(
            _("Too many codes asked from this network; try again in an hour."), HOUR
        )


def request_code(*, phone: str, purpose: str, address: str = "") -> PhoneCode:
    """Send a one-time code to `phone` for `purpose` (sign up or sign in)."""
    number = mobile_or_error(phone)
    if purpose not in PhoneCode.Purpose.values:
        raise ValidationError({"purpose": _("Choose sign up or sign in.")})
    existing = account_for(number)
    if purpose == PhoneCode.Purpose.SIGN_UP and existing is not None:
        raise ValidationError({"phone": _("This number already has an account: sign in instead.")})
    if purpose == PhoneCode.Purpose.SIGN_IN and (existing is None or not existing.is_active):
        raise ValidationError({"phone": _("No account uses this number yet: sign up first.")})
    address_hash = _digest("address", address) if address else ""
    with transaction.atomic():
        # One row lock per number: two requests racing send one code, not two.
        list(PhoneCode.objects.select_for_update().filter(phone=number).values_list("pk"))
        _throttle(number, address_hash)
        # Rows only count for an hour; yesterday's go (the table stays small).
        PhoneCode.objects.filter(
            phone=number, created_at__lt=timezone.now() - datetime.timedelta(days=1)
        ).delete()
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        now = timezone.now()
        PhoneCode.objects.filter(phone=number, purpose=purpose, used_at__isnull=True).update(
            used_at=now
        )
        row = PhoneCode.objects.create(
            phone=number,
            purpose=purpose,
            code_hash=_digest(number, purpose, code),
            address_hash=address_hash,
            expires_at=now + datetime.timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
        )
        try:
            sms.send_code(number, code)
        except sms.SMSError as exc:
            logger.warning("SMS code not sent: %s", exc)  # the error never holds the code
            raise WorkflowError(
                ErrorCode.SMS_UNAVAILABLE,
                _("The text message could not be sent just now; please try again later."),
            ) from None
    return row


def check_code(*, phone: str, purpose: str, code: str) -> str:
    """Spend a valid code for `phone`; the normalized number, or a refusal on `code`.

    A wrong try counts even when the caller's transaction rolls back (it commits first).
    """
    number = mobile_or_error(phone)
    code = normalize_phone(code or "").strip()  # full-width digits typed on a phone
    now = timezone.now()
    refusal = None
    # The wrong try is counted inside the block and the refusal raised after it, so
    # that the count commits (a savepoint would roll it back with the exception).
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update()
            .filter(phone=number, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if row is None:
            refusal = _("This code has expired or was never sent: ask for a new one.")
        elif row.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            refusal = _("Too many wrong tries: ask for a new code.")
        elif not hmac.compare_digest(row.code_hash, _digest(number, purpose, code)):
            PhoneCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
            left = settings.SMS_CODE_MAX_ATTEMPTS - row.attempts - 1
            refusal = (
                _("The code is not right; %(n)d tries left.") % {"n": left}
                if left
                else _("Too many wrong tries: ask for a new code.")
            )
        else:
            PhoneCode.objects.filter(pk=row.pk).update(used_at=now)
    if refusal:
        raise ValidationError({"code": refusal})
    return number


def _community(community: Area | None) -> Area:
    if community is None or community.level != Area.Level.COMMUNITY or not community.is_active:
        raise ValidationError({"community": _("Choose the community you live in.")})
    return community


def sign_up(
    *,
    phone: str,
    code: str,
    community: Area | None,
    password: str = "",
    real_name: str = "",
) -> User:
    """A resident's account: the verified mobile is the user name; password optional."""
    check_lengths(real_name=(real_name, 30), password=(password, 128))
    _community(community)
    number = mobile_or_error(phone)
    if account_for(number) is not None:
        raise ValidationError({"phone": _("This number already has an account: sign in instead.")})
    if password:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, User(username=number, phone=number))
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    number = check_code(phone=number, purpose=PhoneCode.Purpose.SIGN_UP, code=code)
    with transaction.atomic():
        user = User(username=number, phone=number, first_name=real_name.strip()[:30])
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()  # signs in with a code until a password is set
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.RESIDENT, area=community)
    return user


def sign_in_with_code(*, phone: str, code: str) -> User:
    number = check_code(phone=phone, purpose=PhoneCode.Purpose.SIGN_IN, code=code)
    user = account_for(number)
    if user is None or not user.is_active:
        raise ValidationError({"phone": _("No account uses this number yet: sign up first.")})
    return user


def home_community(user) -> Area | None:
    row = (
        RoleAssignment.objects.filter(user=user, role=Role.RESIDENT, is_active=True)
        .select_related("area")
        .order_by("pk")
        .first()
    )
    return row.area if row else None


def set_home_community(*, user: User, community: Area | None) -> None:
    _community(community)
    with transaction.atomic():
        RoleAssignment.objects.filter(user=user, role=Role.RESIDENT).delete()
        RoleAssignment.objects.create(user=user, role=Role.RESIDENT, area=community)
    forget_grants(user)


@dataclass(frozen=True)
class Erased:
    user_id: int
    records: dict


def erase_account(*, user: User) -> Erased:
    """Delete a resident's account on request: the person goes, the records stay.

    The user row stays (the audit line points at it) but holds nothing personal and
    can never sign in; role assignments and SMS codes go; each domain app clears what
    it holds about the person (`<app>.accounts.erase_user(user) -> int`). The
    append-only history keeps its rows, dates and states, but the person's names,
    phones and e-mail in the versions of their records and of their account are
    blanked (`huitian.privacy.blank_personal_history`, the one exception the history
    trigger makes); the erasure itself is a recorded step on the account.
    """
    if (
        user.is_staff
        or user.is_superuser
        or RoleAssignment.objects.filter(
            user=user, role__in=[r for r in Role.values if r != Role.RESIDENT]
        ).exists()
    ):
        raise ValidationError(
            _("Staff and organization accounts are closed by the district administrator.")
        )
    records = {}
    with transaction.atomic():
        for app in settings.DOMAIN_APPS:
            module = app_module(app, "accounts")
            if module is not None and hasattr(module, "erase_user"):
                records[app] = module.erase_user(user)
        phone = user.phone
        if phone:
            PhoneCode.objects.filter(phone=phone).delete()
        RoleAssignment.objects.filter(user=user).delete()
        user.username = f"erased-{user.pk}-{secrets.token_hex(4)}"
        user.first_name = user.last_name = user.email = user.phone = ""
        user.is_active = False
        # A new password hash ends every session (Django's session auth hash) and
        # every app token (huitian.tokens' password fingerprint).
        user.set_unusable_password()
        user.save()
        records["history"] = blank_personal_history(user=user)
        Transition.objects.create(
            content_type=ContentType.objects.get_for_model(User),
            object_id=user.pk,
            step="erase",
            from_state="active",
            to_state="erased",
            by=user,
            note=f"erasure on request; personal columns blanked in {records['history']} "
            "history rows",
        )
    forget_grants(user)
    return Erased(user_id=user.pk, records=records)
