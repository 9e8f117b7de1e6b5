"""One error shape for the whole API: {"code", "detail", "fields"}."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from huitian.access import Forbidden
from huitian.api.parsers import RequestTooLarge
from huitian.workflow import WorkflowError


def error_body(code: str, detail, fields: dict | None = None) -> dict:
    return {"code": code, "detail": str(detail), "fields": fields or {}}


def _flatten_fields(data) -> dict:
    """DRF's nested error dicts → {"field": ["reason", …]} ("items.0.name" for nested)."""
    out: dict = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(value, list) and value and not all(isinstance(v, str) for v in value):
            for i, v in enumerate(value):
                if v:
                    walk(f"{prefix}.{i}", v)
        else:
            items = value if isinstance(value, list) else [value]
            out[prefix or "non_field_errors"] = [str(v) for v in items]

    walk("", data)
    return out


def exception_handler(exc, context):
    if isinstance(exc, WorkflowError):
        return Response(
            error_body(
                exc.code, exc.detail, {k: [str(m) for m in v] for k, v in exc.fields.items()}
            ),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, RequestDataTooBig):  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = RequestTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(
            _(
                "The request has too many fields or files "
                "(at most %(fields)d fields, %(files)d files)."
            )
            % {
                "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                "files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            }
        )
    if isinstance(exc, Forbidden):
        exc = exceptions.PermissionDenied(exc.detail, code=exc.code)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found, or not visible to you."))
    elif isinstance(exc, DjangoPermissionDenied):
        if exc.__class__.__name__ == "AxesBackendPermissionDenied":
            return Response(
                error_body("locked_out", lockout_message()),
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "invalid", _("Some fields are not valid; see “fields”."), _flatten_fields(exc.detail)
        )
        return response
    code = "error"
    detail = getattr(exc, "detail", str(exc))
    if isinstance(detail, dict):  # simplejwt: {"detail":…, "code":…, "messages": […]}
        code = str(detail.get("code", code))
        detail = detail.get("detail", "")
    elif hasattr(exc, "get_codes"):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", code)
    if isinstance(exc, exceptions.Throttled):
        code = "throttled"
    response.data = error_body(code, detail)
    return response


def lockout_message() -> str:
    minutes = max(1, int(get_cool_off().total_seconds() // 60))
    return _(
        "Too many failed sign-in attempts. Sign-in is locked for %(minutes)d minutes; "
        "it unlocks by itself."
    ) % {"minutes": minutes}


def axes_lockout_response(request, credentials, *args, **kwargs):
    """django-axes lockout: JSON for the API, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("locked_out", lockout_message()), status=429)
    return render(request, "huitian/locked_out.html", {"message": lockout_message()}, status=429)
