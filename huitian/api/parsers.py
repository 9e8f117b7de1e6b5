"""Request parsers for every API door: bounded JSON, and forms with a size cap.

Configured as DRF's default parsers (settings `REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`),
so every viewset, the token views and Open311 parse bodies the same way:

- JSON nested deeper than `API_MAX_JSON_DEPTH` is refused before `json.loads` sees it
  (100,000 `[` would otherwise end in RecursionError, a 500);
- text that PostgreSQL cannot store (a lone surrogate such as "\\ud800", or NUL) is
  refused with the field it came in, so it never reaches the database driver;
- a multipart body larger than `API_MAX_UPLOAD_BODY_SIZE` is refused with 413 before
  anything is read (Django's own limits cover non-file fields and their number).
"""

import codecs
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.utils import json

# A JSON string literal, escapes included (the unrolled-loop form: no backtracking blow-up).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class RequestTooLarge(APIException):
    status_code = 413
    default_code = "too_large"

    def __init__(self, limit_bytes: int):
        super().__init__(
            _("The request is too large: at most %(mb)s MB.")
            % {"mb": f"{limit_bytes / 1024 / 1024:g}"},
            code=self.default_code,
        )


def json_depth(text: str, stop_after: int) -> int:
    """How deeply `text` nests arrays and objects (brackets inside strings don't count).

    Stops counting once past `stop_after`; the answer is then `stop_after + 1`.
    """
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_after:
                    break
        else:
            depth -= 1
    return deepest


def unstorable_text(data, path: str = "") -> dict[str, list[str]]:
    """{"field.path": [reason]} for strings PostgreSQL refuses (lone surrogates, NUL)."""
    problems: dict[str, list[str]] = {}

    def check(value: str, where: str) -> None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            problems[where or "non_field_errors"] = [
                _("The text is not valid Unicode (it contains a lone surrogate such as \\ud800).")
            ]
            return
        if "\x00" in value:
            problems[where or "non_field_errors"] = [
                _("The text contains a NUL character, which cannot be stored.")
            ]

    def walk(value, where: str) -> None:
        if isinstance(value, str):
            check(value, where)
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{where}.{key}" if where else str(key)
                if isinstance(key, str):
                    check(key, child)
                walk(item, child)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}.{index}" if where else str(index))

    walk(data, path)
    return problems


class BoundedJSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit and a check that all text can be stored."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = codecs.decode(raw, encoding) if isinstance(raw, bytes) else raw
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("JSON parse error - the body is not valid %s.") % encoding) from exc
        limit = settings.API_MAX_JSON_DEPTH
        if json_depth(text, stop_after=limit) > limit:
            raise ParseError(
                _("JSON parse error - arrays and objects nest more than %(limit)d levels deep.")
                % {"limit": limit}
            )
        parse_constant = json.strict_constant if self.strict else None
        try:
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError as exc:  # pragma: no cover - the depth scan refuses first
            raise ParseError(_("JSON parse error - nested too deeply.")) from exc
        except ValueError as exc:
            # Plain words with the place, not Python's "Expecting value: line 1 column 1".
            where = {"line": getattr(exc, "lineno", 1), "column": getattr(exc, "colno", 1)}
            raise ParseError(
                _(
                    "The request body is not valid JSON: something is missing or out of place "
                    "at line %(line)d, character %(column)d (a quote, comma or bracket?)."
                )
                % where
            ) from exc
        problems = unstorable_text(data)
        if problems:
            raise ValidationError(problems)
        return data


class LimitedMultiPartParser(parsers.MultiPartParser):
    """Multipart forms (uploads) up to `API_MAX_UPLOAD_BODY_SIZE` bytes in all."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.API_MAX_UPLOAD_BODY_SIZE
        meta = getattr(request, "META", {})
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except (TypeError, ValueError):
            length = 0
        if length > limit:
            raise RequestTooLarge(limit)
        return super().parse(stream, media_type, parser_context)
