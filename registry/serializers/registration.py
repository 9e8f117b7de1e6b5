"""Direct registration (R2): the application, its queue row and each action's body."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from huitian.api.serializers import AreaRefSerializer, CategoryRefSerializer
from huitian.models import Area, Category
from registry.models import (
    RegistrationApplication,
    RegistrationDocument,
)
from registry.serializers.common import NOTE_MAX_LENGTH, note_field


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegistrationDocument
        fields = ["id", "title", "file", "uploaded_at"]


class RegistrationSerializer(serializers.ModelSerializer):
    state = serializers.CharField(
        read_only=True,
        help_text="draft · submitted · returned · accepted · approved · rejected",
    )
    home_area = AreaRefSerializer(read_only=True)
    categories = CategoryRefSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = RegistrationApplication
        fields = [
            "id",
            "state",
            "state_display",
            "channel",
            *RegistrationApplication.APPLICANT_FIELDS,
            "missing_items",
            "submitted_at",
            "accepted_on",
            "decision_due",
            "decided_at",
            "decision_note",
            "organization",
            "documents",
            "created_at",
        ]


class RegistrationQueueSerializer(RegistrationSerializer):
    days_left = serializers.IntegerField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    is_near_due = serializers.BooleanField(read_only=True)

    class Meta(RegistrationSerializer.Meta):
        fields = [
            "id",
            "state",
            "state_display",
            "name",
            "legal_form",
            "home_area",
            "accepted_on",
            "decision_due",
            "days_left",
            "is_overdue",
            "is_near_due",
        ]


class RegistrationInputSerializer(serializers.ModelSerializer):
    home_area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.filter(is_active=True).exclude(level=Area.Level.DISTRICT)
    )
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Category.objects.filter(is_active=True)
    )
    submit = serializers.BooleanField(default=True, write_only=True)

    class Meta:
        model = RegistrationApplication
        fields = [*RegistrationApplication.APPLICANT_FIELDS, "submit"]


class RegistrationUpdateSerializer(RegistrationInputSerializer):
    class Meta(RegistrationInputSerializer.Meta):
        fields = [f for f in RegistrationInputSerializer.Meta.fields if f != "submit"]
        extra_kwargs = {f: {"required": False} for f in fields}


class ReturnSerializer(serializers.Serializer):
    missing_items = serializers.ListField(child=serializers.CharField(max_length=200))
    note = note_field()

    def validate(self, attrs):
        # Without a note, the list itself becomes the step's note (joined by "；").
        if not attrs.get("note") and len("；".join(attrs["missing_items"])) > NOTE_MAX_LENGTH:
            raise serializers.ValidationError(
                {
                    "missing_items": [
                        _("Together the items are too long for the record (at most %(max)d).")
                        % {"max": NOTE_MAX_LENGTH}
                    ]
                }
            )
        return attrs


class ApproveSerializer(serializers.Serializer):
    uscc = serializers.CharField(required=False, allow_blank=True, default="")
    note = note_field()


class DocumentInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    file = serializers.FileField()
