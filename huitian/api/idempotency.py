"""Idempotency-Key for POSTs from the app (DESIGN.md).

Same key and same body → the first response again; same key, different body
→ 422; first request still running → 409. Keys expire after 24 hours.

`@idempotent` also documents the header: it marks the view method, and the kernel's
AutoSchema (huitian/api/schema.py) adds `IDEMPOTENCY_PARAMETER` to exactly the
operations so marked. (A mark rather than an `extend_schema` here because DRF's
`@action` replaces a method's `kwargs`, where drf-spectacular keeps its overrides.)
"""

import functools
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from huitian.api.errors import error_body
from huitian.models import IdempotencyRecord

HEADER = "Idempotency-Key"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "Any unique string (at most 255 characters). A retry with the same key and body "
        "returns the first response; the same key with another body answers 422; while "
        "the first request still runs, 409. Keys expire after 24 hours."
    ),
)


def is_idempotent(view_method) -> bool:
    """Whether a view method is wrapped in `@idempotent` (and so takes the header)."""
    return bool(getattr(view_method, "idempotent", False))


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    data = request.data
    plain = {}
    for key in sorted(data.keys()) if hasattr(data, "keys") else []:
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        plain[key] = values if len(values) != 1 else values[0]
    files = getattr(request, "FILES", {})
    for key in sorted(files.keys()):
        for upload in files.getlist(key):
            h = hashlib.sha256()
            for chunk in upload.chunks():
                h.update(chunk)
            upload.seek(0)
            plain[f"file:{key}:{upload.name}"] = h.hexdigest()
    digest.update(json.dumps(plain, sort_keys=True, cls=DjangoJSONEncoder, default=str).encode())
    return digest.hexdigest()


def _owner(request) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"anon:{request.META.get('REMOTE_ADDR', '')}"


def _claim(*, owner: str, key: str, endpoint: str, body_hash: str) -> int | None:
    """Insert the in-progress record; its id, or None when the key is already taken.

    One round trip (`INSERT … ON CONFLICT DO NOTHING RETURNING id`) where a savepoint,
    an INSERT that may fail and a release took three; no IntegrityError to catch, so
    an enclosing transaction is never left aborted.
    """
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(
                    owner=owner, key=key, endpoint=endpoint, request_hash=body_hash
                ).pk
        except IntegrityError:
            return None
    table = IdempotencyRecord._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""INSERT INTO {table} (owner, key, endpoint, request_hash, state, created_at)
                VALUES (%s, %s, %s, %s, %s, %s)
                ON CONFLICT (owner, key, endpoint) DO NOTHING RETURNING id""",
            [
                owner,
                key,
                endpoint,
                body_hash,
                IdempotencyRecord.State.IN_PROGRESS,
                timezone.now(),
            ],
        )
        row = cur.fetchone()
    return row[0] if row else None


def idempotent(view_method):
    """Decorate a DRF view method (usually `create`)."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > 255:
            return Response(
                error_body(
                    "invalid", _("The Idempotency-Key is too long (at most 255 characters).")
                ),
                status=400,
            )
        owner, endpoint, body_hash = _owner(request), request.path, _request_hash(request)
        lookup = {"owner": owner, "key": key, "endpoint": endpoint}
        for _attempt in range(2):
            record_pk = _claim(body_hash=body_hash, **lookup)
            if record_pk is not None:
                break
            existing = IdempotencyRecord.objects.filter(**lookup).first()
            if existing is None:
                continue
            if existing.expired:
                existing.delete()
                continue
            if existing.request_hash != body_hash:
                return Response(
                    error_body(
                        "idempotency_key_reused",
                        _("This Idempotency-Key was used with a different request body."),
                    ),
                    status=422,
                )
            if existing.state == IdempotencyRecord.State.IN_PROGRESS:
                return Response(
                    error_body(
                        "idempotency_in_progress",
                        _("The first request with this Idempotency-Key is still running."),
                    ),
                    status=409,
                )
            response = Response(existing.response_body, status=existing.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        else:  # pragma: no cover - two expiries in a row
            return Response(error_body("conflict", _("Please retry.")), status=409)

        try:
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record_pk).delete()
            raise
        if 200 <= response.status_code < 300:
            body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
            IdempotencyRecord.objects.filter(pk=record_pk).update(
                state=IdempotencyRecord.State.DONE,
                status_code=response.status_code,
                response_body=body,
            )
        else:  # a refused request may be corrected and retried under the same key
            IdempotencyRecord.objects.filter(pk=record_pk).delete()
        return response

    wrapper.idempotent = True
    return wrapper
