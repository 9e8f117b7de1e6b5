"""Schema pieces the procurement endpoints share."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from huitian.api.idempotency import HEADER

# Documented on every create the app calls (the view is wrapped in @idempotent).
IDEMPOTENCY_KEY = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Any unique string (at most 255 characters). A retry with the same key and body "
        "returns the first response; the same key with another body answers 422; while "
        "the first request still runs, 409. Keys expire after 24 hours."
    ),
)
