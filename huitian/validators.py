"""Shared validators with messages in English msgids (translated to Chinese).

Chinese identifiers use python-stdnum: 统一社会信用代码 (GB 32100) and the
resident identity card number (GB 11643).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
HOTLINE_RE = re.compile(r"^(12345|110|119|120|122)$")


def validate_uscc(value: str) -> None:
    """统一社会信用代码: 18 characters, check digit per GB 32100; says what is wrong."""
    raw = (value or "").strip()
    if len(raw) != 18:
        raise ValidationError(
            _("The unified social credit code must have 18 characters; this one has %(n)d."),
            code="uscc_length",
            params={"n": len(raw)},
        )
    if any(c.islower() for c in raw):
        raise ValidationError(
            _("The unified social credit code uses capital letters only; write %(fixed)s."),
            code="uscc_lowercase",
            params={"fixed": raw.upper()},
        )
    try:
        uscc.validate(raw)
    except InvalidLength as exc:
        raise ValidationError(
            _("The unified social credit code must have 18 characters."), code="uscc_length"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The check digit (the 18th character) of this unified social credit code is wrong."),
            code="uscc_checksum",
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            _(
                "This unified social credit code contains characters that are not allowed "
                "(digits and capital letters except I, O, S, V, Z)."
            ),
            code="uscc_format",
        ) from exc


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits starting 13–19) or a landline with area code.

    Written as people write them: `138-1234-5678`, `138 1234 5678`, full-width
    digits `１３８１２３４５６７８`, `+86` or `0086` in front (see `normalize_phone`).
    """
    raw = normalize_phone(value)
    if MOBILE_RE.match(raw) or LANDLINE_RE.match(raw):
        return
    raise ValidationError(
        _(
            "Enter a mainland mobile number (11 digits starting with 13–19) "
            "or a landline with its area code, such as 010-69712345."
        ),
        code="phone_invalid",
    )


# Dashes people type between digit groups (ASCII, full-width, en/em dash, minus sign).
_DASHES_RE = re.compile(r"[\u2010-\u2015\u2212\uff0d-]")


def normalize_phone(value: str) -> str:
    """The stored form: `13812345678` for a mobile, `010-69712345` for a landline.

    Full-width digits and signs become ASCII (NFKC), spaces, brackets and dots go,
    a +86/0086 prefix goes; a mobile loses its dashes, a landline keeps one dash
    after its area code when it was written with one.
    """
    raw = unicodedata.normalize("NFKC", value or "")
    raw = re.sub(r"[\s().]", "", raw)
    raw = _DASHES_RE.sub("-", raw)
    for prefix in ("+86", "0086"):
        if raw.startswith(prefix):
            raw = raw[len(prefix) :].lstrip("-")
    digits = raw.replace("-", "")
    if MOBILE_RE.match(digits):
        return digits
    if "-" in raw and digits.startswith("0"):
        area, _sep, rest = raw.partition("-")
        return f"{area}-{rest.replace('-', '')}"
    return digits if digits.isdigit() else raw


def mask_phone(value: str) -> str:
    """138****5678: what everyone but the handling staff sees."""
    raw = normalize_phone(value)
    if len(raw) < 7:
        return "*" * len(raw)
    return f"{raw[:3]}****{raw[-4:]}"


def mask_name(name: str) -> str:
    """张** : a person's name as those who may not see it read it."""
    return f"{name[0]}**" if name else ""


def validate_id_number(value: str) -> None:
    """居民身份证号码: 18 characters with the GB 11643 check character."""
    raw = (value or "").strip().upper()
    try:
        ric.validate(raw)
    except InvalidLength as exc:
        raise ValidationError(
            _("An identity card number has 18 characters."), code="id_length"
        ) from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("The last character of this identity card number does not match its check digit."),
            code="id_checksum",
        ) from exc
    except (InvalidFormat, InvalidComponent) as exc:
        raise ValidationError(
            _("This identity card number has an impossible birth date or region code."),
            code="id_format",
        ) from exc


@deconstructible
class CleanTextValidator:
    """Refuses control characters (NUL and friends) that databases or exports choke on."""

    CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

    def __call__(self, value):
        if value and self.CONTROL_RE.search(str(value)):
            raise ValidationError(
                _("The text contains control characters (such as NUL) that cannot be stored."),
                code="control_characters",
            )

    def __eq__(self, other):
        return isinstance(other, CleanTextValidator)


validate_clean_text = CleanTextValidator()


def check_lengths(**texts: tuple[str | None, int]) -> None:
    """Refuse every text longer than its limit: `check_lengths(note=(note, 1000), …)`.

    One ValidationError naming each field that is too long, with its limit and its
    length, so a screen shows the reason beside the field. Services call it for every
    text a person writes (a `TextField`'s `max_length` is only a form hint).
    """
    errors = {}
    for name, (value, limit) in texts.items():
        length = len(value or "")
        if length > limit:
            errors[name] = ValidationError(
                _("At most %(limit)d characters; this has %(length)d."),
                code="too_long",
                params={"limit": limit, "length": length},
            )
    if errors:
        raise ValidationError(errors)
