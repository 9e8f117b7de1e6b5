"""The kernel's AutoSchema (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).

One place documents what every operation shares, so no view repeats it:

- the one error shape (`Error`: {code, detail, fields}) for each status the operation
  can answer: 400 where it takes input (a body, query parameters), 401 where a token is
  read, 403 where a permission can refuse (read-only roles are refused every write),
  404 on detail routes and paginated lists (a page past the end), 409 on writes
  (a workflow step refused, an idempotent first request still running), 413 where it
  takes a body, 422 with an Idempotency-Key reused on another body, 429 where throttled;
- the `Idempotency-Key` header on exactly the operations wrapped in `@idempotent`.

Statuses a view documents itself (`@extend_schema(responses={…})`) are kept as they are.
A view may say `workflow_conflicts = False` (its writes take no workflow step, so no
409) or add statuses the rules above cannot see with `extra_error_statuses = {401}`.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers

from huitian.api.idempotency import IDEMPOTENCY_PARAMETER, is_idempotent
from huitian.api.permissions import ReadOnlyRolesWriteNothing
from huitian.api.throttling import WriteThrottle

Error = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="A stable, machine-readable error code."),
        "detail": serializers.CharField(help_text="What went wrong, for people."),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Reasons per field or parameter name (empty when none applies).",
        ),
    },
)

ERROR_DESCRIPTIONS = {
    400: _("The input is not valid; reasons per field in “fields”."),
    401: _("Not signed in, or the token is invalid or expired."),
    403: _("Your role may not do this."),
    404: _("Not found, or not visible to you."),
    409: _("The record's state does not allow this step now."),
    413: _("The request body is too large."),
    422: _("This Idempotency-Key was used with a different request body."),
    429: _("Too many requests; retry later."),
}

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
OPEN = (permissions.AllowAny,)


class AutoSchema(SpectacularAutoSchema):
    def handler(self):
        """The view method that answers this operation (a viewset action or get/post…)."""
        name = getattr(self.view, "action", None) or self.method.lower()
        return getattr(self.view, name, None)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if is_idempotent(self.handler()):
            parameters.append(IDEMPOTENCY_PARAMETER)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self.error_serializer()
        if direction != "response" or error is None:
            return responses
        for status in sorted(self.error_statuses()):
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    OpenApiResponse(response=error, description=ERROR_DESCRIPTIONS[status]),
                    str(status),
                    direction=direction,
                )
        return responses

    def error_serializer(self):
        """The kernel's error shape under /api/; other doors (Open311 speaks GeoReport's
        own error list) document theirs with `error_serializer` on the view, or not at all."""
        default = Error if self.path.startswith("/api/") else None
        return getattr(self.view, "error_serializer", default)

    # Which statuses this operation can answer ------------------------------------

    def error_statuses(self) -> set[int]:
        statuses = set()
        writes = self.method in UNSAFE
        takes_body = self.method in ("POST", "PUT", "PATCH") and bool(self.get_request_serializer())
        if takes_body or self._has_query_parameters():
            statuses.add(400)
        if self.view.authentication_classes:
            statuses.add(401)
        anonymous_allowed = self._anonymous_allowed()
        if not anonymous_allowed or (writes and self._read_only_roles_refused()):
            statuses.add(403)
        if "{" in self.path or self._is_paginated_list():
            statuses.add(404)
        if writes and getattr(self.view, "workflow_conflicts", True):
            statuses.add(409)
        statuses |= set(getattr(self.view, "extra_error_statuses", ()))
        if takes_body:
            statuses.add(413)
        if is_idempotent(self.handler()):
            statuses |= {409, 422}
        if self._throttled(anonymous_allowed):
            statuses.add(429)
        return statuses

    def _has_query_parameters(self) -> bool:
        if self._is_paginated_list() or self._get_filter_parameters():
            return True
        return any(
            getattr(p, "location", None) == "query" or not hasattr(p, "location")
            for p in self.get_override_parameters()
        )

    def _is_paginated_list(self) -> bool:
        return self._is_list_view() and self._get_paginator() is not None

    def _permissions(self):
        try:
            return self.view.get_permissions()
        except Exception:
            return [p() for p in self.view.permission_classes]

    def _anonymous_allowed(self) -> bool:
        chosen = self._permissions()
        if not chosen:
            return True
        safe = self.method not in UNSAFE
        return any(
            isinstance(p, OPEN) or (safe and isinstance(p, permissions.IsAuthenticatedOrReadOnly))
            for p in chosen
        )

    def _read_only_roles_refused(self) -> bool:
        if getattr(self.view, "action", None) in getattr(self.view, "read_only_roles_may", ()):
            return False
        return any(isinstance(p, ReadOnlyRolesWriteNothing) for p in self._permissions())

    def _throttled(self, anonymous_allowed: bool) -> bool:
        try:
            throttles = self.view.get_throttles()
        except Exception:
            return False
        for throttle in throttles:
            if isinstance(throttle, WriteThrottle) and self.method not in UNSAFE:
                continue
            if getattr(throttle, "scope", None) == "anon" and not anonymous_allowed:
                continue
            return True
        return False
