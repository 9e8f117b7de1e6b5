"""Bodies several actions share: a reason, a note."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Required."))


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OrganizationIdField(serializers.IntegerField):
    """An organization's id; the view answers 404 for one the caller cannot see."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Id of an organization you can see."))
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)
