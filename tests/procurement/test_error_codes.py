"""Every code a procurement refusal carries is a member of `procurement.error_codes`."""

import re
from pathlib import Path

from procurement.error_codes import ErrorCode

APP = Path(__file__).resolve().parents[2] / "procurement"


def _sources():
    return [p for p in APP.rglob("*.py") if "migrations" not in p.parts]


def test_free_string_codes_are_members_of_the_enum():
    literal = re.compile(r"WorkflowError\(\s*\"(\w+)\"|Forbidden\([^)]*code=\"(\w+)\"")
    found = set()
    for path in _sources():
        for match in literal.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    assert found <= set(ErrorCode), found - set(ErrorCode)


def test_enum_members_used_in_code_exist():
    used = set()
    for path in _sources():
        used |= set(re.findall(r"ErrorCode\.(\w+)", path.read_text(encoding="utf-8")))
    assert used <= set(ErrorCode.__members__)
    assert ErrorCode.ORGANIZATION_INACTIVE == "organization_inactive"
