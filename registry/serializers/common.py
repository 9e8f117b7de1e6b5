"""Bodies several actions share: a reason, a note."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huitian.models import Transition

# A reason or note lands in the step's transition row, which holds at most this much.
NOTE_MAX_LENGTH = Transition.NOTE_MAX_LENGTH


def note_field(**kwargs) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("default", "")
    return serializers.CharField(max_length=NOTE_MAX_LENGTH, **kwargs)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX_LENGTH, help_text=_("Required."))


class NoteSerializer(serializers.Serializer):
    note = note_field()


class OrganizationIdField(serializers.IntegerField):
    """An organization's id; the view answers 404 for one the caller cannot see."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Id of an organization you can see."))
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)
