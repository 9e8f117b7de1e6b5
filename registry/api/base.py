"""What the registry's viewsets share: the 404-first lookup of an organization named in
a request body. (The Idempotency-Key header is documented by `@idempotent` itself.)"""

from huitian.api.actions import ScopedActionsMixin
from registry.models import Organization


class OrganizationPayloadMixin(ScopedActionsMixin):
    def visible_organization(self, data: dict) -> Organization:
        """The organization named in a payload, or 404 when the caller cannot see it."""
        return self.visible_object(data.pop("organization"), Organization.objects.all())
