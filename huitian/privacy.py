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
