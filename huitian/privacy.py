"""Personal data in free text that is about to become public (K-privacy).

Residents write their own phone number, ID number or flat into a need's title;
when such a title becomes a public topic title it must not carry them.
`mask_personal_data(text)` is a pure function: it returns the text with those
parts replaced by `***` and the kinds it found, so a caller can both publish
the masked text and flag the record for a person's review.

Deliberately conservative about rooms: "3号楼前井盖缺失" names a building, not a
household, and stays; "3号楼2单元502室", "2单元502", "502室" and "5-2-502" go.
"""

import re
from dataclasses import dataclass

MASK = "***"

PHONE = "phone"
ID_NUMBER = "id_number"
ROOM = "room"

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
_PHONE_RE = re.compile(
    r"(?<!\d)(?:(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}|0\d{2,3}-?\d{7,8})(?!\d)"
)
_BUILDING = r"\d{1,4}\s*(?:号楼|号院|栋|幢|座)\s*"
_UNIT = r"\d{1,2}\s*单元\s*"
_ROOM_RE = re.compile(
    "|".join(
        [
            # [building] unit room[室]: 3号楼2单元502室, 2单元502
            rf"(?<!\d)(?:{_BUILDING})?{_UNIT}\d{{2,5}}(?!\d)(?:\s*(?:室|户|号房|号))?",
            # building room: 3号楼502室, 3栋502
            rf"(?<!\d){_BUILDING}\d{{3,5}}(?!\d)(?:\s*(?:室|户|号房|号))?",
            # a room alone, with its word: 502室, 502号房 (not "200户居民": households)
            r"(?<!\d)\d{2,5}\s*(?:室|号房)",
            # building-unit-room: 5-2-502
            r"(?<![\d-])\d{1,3}-\d{1,2}-\d{2,5}(?![\d-])",
        ]
    )
)


@dataclass(frozen=True)
class Masked:
    text: str
    found: tuple[str, ...]  # kinds found, in a fixed order: phone, id_number, room

    @property
    def changed(self) -> bool:
        return bool(self.found)


# One pass over a text for any of the three: a screen of many titles (a year's needs list
# holds 80,000) asks this first and masks only the few that hold something.
_ANY_RE = re.compile("|".join(f"(?:{p.pattern})" for p in (_ID_RE, _PHONE_RE, _ROOM_RE)))


def holds_personal_data(text: str) -> bool:
    """Whether `mask_personal_data(text)` would change anything (one regex search)."""
    return bool(text) and _ANY_RE.search(text) is not None


def mask_personal_data(text: str) -> Masked:
    """`text` with phone numbers, ID numbers and room numbers replaced by `***`."""
    text = text or ""
    found = []
    for kind, pattern in ((ID_NUMBER, _ID_RE), (PHONE, _PHONE_RE), (ROOM, _ROOM_RE)):
        text, n = pattern.subn(MASK, text)
        if n:
            found.append(kind)
    order = (PHONE, ID_NUMBER, ROOM)
    return Masked(text=text, found=tuple(k for k in order if k in found))


# --- An erased account's personal data in the history ------------------------------
#
# The history tables are append-only (a trigger, huitian migration 0006); migration 0010
# lets an account erasure blank a person's contact columns in them and nothing else,
# while `huitian.erasure` is set for the transaction (PostgreSQL) or a row stands in
# `huitian_erasure_in_progress` (SQLite). The columns the erasure blanks here must be
# among the trigger's (0010's PERSONAL_COLUMNS).
PERSONAL_HISTORY_COLUMNS = (
    "contact_name",
    "contact_phone",
    "email",
    "first_name",
    "last_name",
    "phone",
    "real_name",
)
SQLITE_ERASURE_FLAG = "huitian_erasure_in_progress"


def _history_models():
    from django.apps import apps

    for model in apps.get_models():
        if hasattr(model, "instance_type") and model.__name__.startswith("Historical"):
            yield model


def _personal_columns(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name in PERSONAL_HISTORY_COLUMNS]


def _links_to(user, model):
    """A Q for the history rows of records that point at `user` (as submitter, member …).

    Every version of such a record is the person's, also the ones written before it
    pointed at them (a need submitted anonymously, linked later)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    user_model = get_user_model()
    if model.instance_type is user_model:
        return Q(id=user.pk)
    links = [
        f.attname
        for f in model.instance_type._meta.concrete_fields
        if f.is_relation and f.related_model is user_model
    ]
    if not links:
        return None
    q = Q()
    for attname in links:
        q |= Q(**{attname: user.pk})
    return Q(id__in=model._default_manager.filter(q).values("id"))


def blank_personal_history(*, user) -> int:
    """Blank the person's columns in the history rows of `user`'s records and of the user.

    The rows stay, with their dates, states and actors; only names, phones and e-mail
    become ''; the user's own history takes its erased username. Runs inside the
    erasure's transaction (the exception the trigger makes ends with it). How many rows.
    """
    from django.db import connection, transaction

    blanked = 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT set_config('huitian.erasure', %s, true)", [str(user.pk)])
        elif connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute(f"INSERT INTO {SQLITE_ERASURE_FLAG} (user_id) VALUES (%s)", [user.pk])
        for model in _history_models():
            columns = _personal_columns(model)
            q = _links_to(user, model) if columns else None
            if q is None:
                continue
            values = dict.fromkeys(columns, "")
            if model.instance_type is type(user):
                values["username"] = user.username
            blanked += model._default_manager.filter(q).update(**values)
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT set_config('huitian.erasure', '', true)")
        elif connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute(f"DELETE FROM {SQLITE_ERASURE_FLAG} WHERE user_id = %s", [user.pk])
    return blanked
