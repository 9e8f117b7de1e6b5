"""Topics (grouped needs), the needs lists, matching and promotion (P2, P4)."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.access import is_staff_user
from huitian.api.actions import ScopedActionsMixin
from procurement import selectors
from procurement.api.filters import PublishedListFilter
from procurement.models import NeedsListEntry, Topic
from procurement.serializers import topics as s
from procurement.services import lists, matching

REFUSALS = gettext_lazy(
    "403 when the caller may not edit the topic, 404 when it is not visible (or the id is "
    "not a number), 409 when the topic's state does not allow the step."
)


class PublishedListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The latest published needs list (or ?list=<id>), ranked; public."""

    serializer_class = s.ListEntryOut
    permission_classes = [permissions.AllowAny]
    filterset_class = PublishedListFilter
    queryset = NeedsListEntry.objects.none()  # the schema's model; the filter reads the rows


class NeedsListViewSet(ScopedActionsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Staff: compiled lists (drafts too) and publishing."""

    serializer_class = s.NeedsListOut

    def get_queryset(self):
        return selectors.needs_lists_for(self.request.user, staff=is_staff_user(self.request.user))

    @extend_schema(
        summary=gettext_lazy("Publish a compiled needs list (district)"),
        request=None,
        responses=s.NeedsListOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        lst = self.visible_object(pk)
        return self.render(lists.publish_needs_list(list_id=lst.pk, by=request.user))


class TopicViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Staff: topics of their area, matching candidates with reasons, merge/split/promote."""

    serializer_class = s.TopicOut
    output_serializer_class = s.TopicOut

    def get_queryset(self):
        if not is_staff_user(self.request.user):
            return Topic.objects.none()
        return selectors.topics_for(self.request.user)

    @extend_schema(
        summary=gettext_lazy("Ranked candidate organizations, with the reasons"),
        responses=s.CandidatesOut,
    )
    @action(detail=True, methods=["get"])
    def candidates(self, request, pk=None):
        topic = self.visible_object(pk)
        rows = [
            {
                "organization": c.organization,
                "offer": c.offer,
                "score": c.score,
                "reasons": c.reasons,
            }
            for c in selectors.offer_candidates(topic)
        ]
        return Response(s.CandidatesOut({"topic": topic.pk, "candidates": rows}).data)

    @extend_schema(
        summary=gettext_lazy("Confirm a candidate: the topic's needs go to the organization"),
        request=s.ConfirmMatchIn,
        responses={201: s.MatchOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"], url_path="confirm-match")
    def confirm_match(self, request, pk=None):
        topic = self.visible_object(pk)
        v = self.parse(s.ConfirmMatchIn)
        match = matching.confirm_match(
            topic_id=topic.pk,
            organization_id=v["organization"],
            offer_id=v.get("offer"),
            purchase_item_id=v.get("purchase_item"),
            by=request.user,
        )
        return Response(s.MatchOut(match).data, status=201)

    @extend_schema(
        summary=gettext_lazy("Merge other topics into this one"),
        request=s.MergeTopicsIn,
        responses=s.TopicOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        topic = self.visible_object(pk)
        v = self.parse(s.MergeTopicsIn)
        others = list(self.get_queryset().filter(pk__in=v["topics"]).values_list("pk", flat=True))
        return self.render(lists.merge_topics(into_id=topic.pk, other_ids=others, by=request.user))

    @extend_schema(
        summary=gettext_lazy("Move some needs out of this topic into a new one"),
        request=s.SplitTopicIn,
        responses={201: s.TopicOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        topic = self.visible_object(pk)
        v = self.parse(s.SplitTopicIn)
        new = lists.split_topic(
            topic_id=topic.pk, need_ids=v["needs"], title=v.get("title", ""), by=request.user
        )
        return self.render(new, status=201)

    @extend_schema(
        summary=gettext_lazy("Turn the topic into a purchase-service item"),
        request=s.PromoteTopicIn,
        responses={201: s.PurchaseItemOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        topic = self.visible_object(pk)
        v = self.parse(s.PromoteTopicIn)
        item = lists.promote_topic(
            topic_id=topic.pk,
            by=request.user,
            estimated_budget=v["estimated_budget"],
            service_standard=v["service_standard"],
            title=v.get("title", ""),
        )
        return Response(s.PurchaseItemOut(item).data, status=201)
