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


def test_every_refusal_in_procurement_names_its_code_from_the_enum():
    """No free strings: `WorkflowError(ErrorCode.X, …)`, `Forbidden(…, code=ErrorCode.X)`."""
    import ast

    loose = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            if node.func.id == "WorkflowError":
                code = node.args[0] if node.args else None
            elif node.func.id == "Forbidden":
                code = next((k.value for k in node.keywords if k.arg == "code"), None)
            else:
                continue
            named = (
                isinstance(code, ast.Attribute)
                and isinstance(code.value, ast.Name)
                and code.value.id == "ErrorCode"
            )
            if not named:
                loose.append(f"{path.relative_to(APP)}:{node.lineno}")
    assert loose == []
