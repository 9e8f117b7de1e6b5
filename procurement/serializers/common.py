"""Shapes every procurement serializer shares."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huitian.api.serializers import AreaRefSerializer, CategoryRefSerializer
from huitian.validators import validate_clean_text
from procurement.services.needs import LIMITS

# How every app points at an area or a category in API output: the shared kernel shapes.
AreaRef, CategoryRef = AreaRefSerializer, CategoryRefSerializer


def text_field(limit: int, *, required: bool = True, help_text: str = "") -> serializers.CharField:
    """Free text as people type it: cleaned of control characters, at most `limit` long."""
    return serializers.CharField(
        max_length=limit,
        required=required,
        allow_blank=not required,
        validators=[validate_clean_text],
        help_text=help_text,
    )


def note_field(help_text: str = "") -> serializers.CharField:
    return text_field(LIMITS["note"], required=False, help_text=help_text)


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.Field):
    """A community or category given by its code, looked up in the reference cache."""

    def __init__(self, *, table, message, **kwargs):
        self.table, self.message = table, message
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = str(data).strip() if isinstance(data, (str, int)) else ""
        found = self.table().get(code) if code and len(code) <= 48 else None
        if found is None:
            raise serializers.ValidationError(str(self.message).format(value=code[:48]))
        return found

    def to_representation(self, value):
        return value.code


class OrganizationRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RefOut(serializers.Serializer):
    """A record named by id and title (an offer, a purchase item)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
