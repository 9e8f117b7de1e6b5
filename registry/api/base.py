"""What the registry's viewsets share: the documented idempotency header and the
404-first lookup of an organization named in a request body."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from huitian.api.actions import ScopedActionsMixin
from registry.models import Organization

# HOOK(kernel): belongs beside `idempotent` in huitian/api/idempotency.py; the integrator
# moves it there so every app's create endpoints share the one definition.
IDEMPOTENCY_HEADER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Any unique string per attempt. A retry with the same key and body returns the "
        "first response; the same key with another body answers 422; while the first "
        "request still runs, 409. Keys expire after 24 hours."
    ),
)


class OrganizationPayloadMixin(ScopedActionsMixin):
    def visible_organization(self, data: dict) -> Organization:
        """The organization named in a payload, or 404 when the caller cannot see it."""
        return self.visible_object(data.pop("organization"), Organization.objects.all())
