"""Topics, needs lists, matching and purchase items (P2, P4)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from procurement.models import NeedsListEntry, Topic
from procurement.serializers.common import (
    AreaRef,
    CategoryRef,
    OrganizationRef,
    RefOut,
    text_field,
)


class TopicOut(serializers.ModelSerializer):
    area = AreaRef()
    category = CategoryRef()

    class Meta:
        model = Topic
        fields = [
            "id",
            "title",
            "area",
            "category",
            "state",
            "need_count",
            "max_urgency",
            "last_need_at",
        ]


class ListEntryOut(serializers.ModelSerializer):
    topic_id = serializers.IntegerField(source="topic.pk")
    title = serializers.CharField(source="topic.title")
    area = AreaRef(source="topic.area")
    category = CategoryRef(source="topic.category")
    period_start = serializers.DateField(source="needs_list.period_start")
    period_end = serializers.DateField(source="needs_list.period_end")

    class Meta:
        model = NeedsListEntry
        fields = [
            "rank",
            "topic_id",
            "title",
            "area",
            "category",
            "need_count",
            "resident_count",
            "max_urgency",
            "last_need_at",
            "score",
            "period_start",
            "period_end",
        ]


class NeedsListOut(serializers.Serializer):
    id = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    state = serializers.CharField()
    compiled_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)  # null until published


class ReasonOut(serializers.Serializer):
    factor = serializers.CharField()
    value = serializers.FloatField()
    weight = serializers.IntegerField()
    why = serializers.CharField()


class CandidateOut(serializers.Serializer):
    organization = OrganizationRef()
    offer = RefOut(allow_null=True)
    score = serializers.FloatField()
    reasons = ReasonOut(many=True)


class CandidatesOut(serializers.Serializer):
    topic = serializers.IntegerField()
    candidates = CandidateOut(many=True)


class ConfirmMatchIn(serializers.Serializer):
    organization = serializers.IntegerField(help_text=_("Id of a candidate organization."))
    offer = serializers.IntegerField(required=False, allow_null=True)
    purchase_item = serializers.IntegerField(required=False, allow_null=True)


class MatchOut(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.IntegerField(source="organization_id")
    score = serializers.FloatField()
    reasons = ReasonOut(many=True)


class MergeTopicsIn(serializers.Serializer):
    topics = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=False,
        max_length=100,
        help_text=_("Ids of the topics merged into this one."),
    )


class SplitTopicIn(serializers.Serializer):
    needs = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=False,
        max_length=1000,
        help_text=_("Ids of the needs moved into the new topic."),
    )
    title = text_field(120, required=False)


class PromoteTopicIn(serializers.Serializer):
    estimated_budget = serializers.DecimalField(max_digits=12, decimal_places=2)
    service_standard = text_field(4000)
    title = text_field(120, required=False)


class PurchaseItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    estimated_budget = serializers.DecimalField(max_digits=12, decimal_places=2)
