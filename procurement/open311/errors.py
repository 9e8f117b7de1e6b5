"""Open311's errors: a GeoReport error list that also carries the kernel's code and fields."""

from rest_framework.response import Response

from huitian.api.errors import exception_handler as kernel_exception_handler


def georeport_error(status, description, fields=None, code="error"):
    return Response(
        [{"code": status, "description": str(description), "error": code, "fields": fields or {}}],
        status=status,
    )


def georeport_exception_handler(exc, context):
    """The kernel's handler, its one error shape re-dressed as a GeoReport error list."""
    response = kernel_exception_handler(exc, context)
    if response is None:
        return None
    body = response.data
    fields = body.get("fields") or {}
    description = body.get("detail", "")
    if fields:
        name, messages = next(iter(fields.items()))
        description = f"{name}: {messages[0]}"
    response.data = [
        {
            "code": response.status_code,
            "description": description,
            "error": body.get("code", "error"),
            "fields": fields,
        }
    ]
    return response


# GeoReport errors are a list; written out as a raw schema because drf-spectacular
# does not wrap error responses of a `many=True` serializer in an array.
ErrorOut = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "code": {"type": "integer", "description": "The HTTP status"},
            "description": {"type": "string"},
            "error": {"type": "string", "description": "The API's error code"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["code", "description", "error", "fields"],
    },
}
