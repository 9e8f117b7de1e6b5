"""Whistle calls and responses (P5)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huitian.models import Area, Category
from procurement.models import WhistleCall, WhistleResponse
from procurement.serializers.common import AreaRef, CategoryRef, text_field


class WhistleCallIn(serializers.Serializer):
    community = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level="community")
    )
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    problem = text_field(2000)
    urgency = serializers.ChoiceField(choices=WhistleCall.Urgency.choices, default=1)
    deadline = serializers.DateField()


class WhistleResponseOut(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name")

    class Meta:
        model = WhistleResponse
        fields = [
            "id",
            "organization",
            "brings",
            "responded_at",
            "response_minutes",
            "selected",
            "no_show_at",
        ]


class WhistleCallOut(serializers.ModelSerializer):
    community = AreaRef()
    category = CategoryRef()
    responses = WhistleResponseOut(many=True, read_only=True)

    class Meta:
        model = WhistleCall
        fields = [
            "id",
            "community",
            "category",
            "problem",
            "urgency",
            "deadline",
            "state",
            "raised_at",
            "responses",
        ]


class RespondToCallIn(serializers.Serializer):
    organization = serializers.IntegerField(help_text=_("Id of your organization."))
    brings = text_field(1000)


class SelectRespondersIn(serializers.Serializer):
    responses = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, max_length=100
    )


class NoShowIn(serializers.Serializer):
    note = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What happened (optional, part of the credit record)."),
    )


class ResponseTimeOut(serializers.Serializer):
    organization_id = serializers.IntegerField()
    organization__name = serializers.CharField()
    responses = serializers.IntegerField()
    avg_minutes = serializers.FloatField()
    fastest = serializers.IntegerField()
    selected = serializers.IntegerField()
