"""What every viewset's custom actions share: fetch through the scoping door, render.

An action parses its body with a named input serializer, calls one service and
answers with the record as the list/detail selector shapes it, so the caller
sees the same fields after an action as on a GET.
"""

from django.db.models import Model, QuerySet
from rest_framework import status as http
from rest_framework.response import Response

from huitian.access import get_visible_or_404


class ScopedActionsMixin:
    # Serializer for the record in action responses (default: the viewset's own).
    output_serializer_class = None

    def visible_object(self, pk, queryset: QuerySet | None = None) -> Model:
        """The record `pk` if the caller may see it; 404 for missing and not-yours alike."""
        base = queryset if queryset is not None else self.get_queryset()
        return get_visible_or_404(self.request.user, base, pk)

    def render(self, obj: Model, *, status: int = http.HTTP_200_OK, serializer_class=None):
        """`obj` re-read through the list selector (its joins and annotations), serialized."""
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        serializer_class = (
            serializer_class or self.output_serializer_class or self.get_serializer_class()
        )
        context = self.get_serializer_context()
        return Response(serializer_class(fresh, context=context).data, status=status)

    def parse(self, serializer_class, **kwargs) -> dict:
        """Validate the request body with `serializer_class`; 400 in the one error shape."""
        payload = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)
