"""DRF views: parse, call a service or selector, render."""

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.access import Forbidden, get_visible_or_404, is_staff_user, visible
from huitian.api.idempotency import idempotent
from huitian.models import Area
from procurement import selectors
from procurement import serializers as s
from procurement.models import Need, NeedsListEntry, Offer, Topic, WhistleCall, WhistleResponse
from procurement.services import lists, matching, needs, offers, whistle


def _org(pk):
    from registry.models import Organization

    return get_object_or_404(Organization, pk=pk)


class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Needs: the caller's own (residents), their area's (staff) or assigned (organizations)."""

    serializer_class = s.NeedOut

    def get_queryset(self):
        qs = selectors.needs_for(self.request.user)
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs.order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return s.NeedIn if self.action == "create" else s.NeedOut

    @idempotent
    def create(self, request):
        data = s.NeedIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        need = needs.submit_need(
            channel=v["channel"],
            community=v["community"],
            category=v["category"],
            title=v["title"],
            text=v["text"],
            urgency=int(v["urgency"]),
            address=v.get("address", ""),
            lat=v.get("lat"),
            lng=v.get("lng"),
            contact_name=v.get("contact_name", ""),
            contact_phone=v.get("contact_phone", ""),
            anonymous=v["anonymous"],
            photos=v.get("photos", []),
            submitter=request.user,
            by=request.user,
        )
        # Rendered from the row just saved (its community and category came from the cache).
        return Response(s.NeedOut(need, context={"request": request}).data, status=201)

    def _run(self, request, pk, body, call):
        get_visible_or_404(request.user, Need.objects.all(), pk)
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        call(data.validated_data)
        need = selectors.needs_for(request.user).get(pk=pk)
        return Response(s.NeedOut(need, context={"request": request}).data)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._run(
            request,
            pk,
            s.StepIn,
            lambda v: needs.accept_need(need_id=int(pk), by=request.user, note=v.get("note", "")),
        )

    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._run(
            request,
            pk,
            s.RejectIn,
            lambda v: needs.reject_need(
                need_id=int(pk), by=request.user, reason=v["reason"], note=v.get("note", "")
            ),
        )

    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        def call(v):
            org = _org(v["organization"]) if v.get("organization") else None
            needs.assign_need(
                need_id=int(pk),
                by=request.user,
                area=v.get("area"),
                organization=org,
                note=v.get("note", ""),
            )

        return self._run(request, pk, s.AssignIn, call)

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._run(
            request,
            pk,
            s.StepIn,
            lambda v: needs.start_service(need_id=int(pk), by=request.user, note=v.get("note", "")),
        )

    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._run(
            request,
            pk,
            s.StepIn,
            lambda v: needs.resolve_need(need_id=int(pk), by=request.user, note=v.get("note", "")),
        )

    @action(detail=True, methods=["post"], url_path="close-unresolved")
    def close_unresolved(self, request, pk=None):
        return self._run(
            request,
            pk,
            s.UnresolvedIn,
            lambda v: needs.close_unresolved(
                need_id=int(pk), by=request.user, reason=v["reason"], note=v.get("note", "")
            ),
        )

    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        return self._run(
            request,
            pk,
            s.RateIn,
            lambda v: needs.rate_need(
                need_id=int(pk),
                by=request.user,
                satisfaction=v["satisfaction"],
                comment=v.get("comment", ""),
            ),
        )

    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._run(
            request,
            pk,
            s.StepIn,
            lambda v: needs.reopen_need(need_id=int(pk), by=request.user, note=v.get("note", "")),
        )

    @action(detail=False, methods=["get"])
    def queue(self, request):
        if not is_staff_user(request.user):
            raise Forbidden(_("Staff only."))
        bucket = request.query_params.get("bucket", "all")
        qs = selectors.needs_for_queue(request.user, bucket=bucket)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            s.NeedOut(page, many=True, context={"request": request}).data
        )

    @action(detail=False, methods=["get"])
    def rates(self, request):
        if not is_staff_user(request.user):
            raise Forbidden(_("Staff only."))
        q = RatesIn(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        return Response(
            {
                "start": v["start"],
                "end": v["end"],
                "by": v["by"],
                "rows": selectors.need_rates(
                    request.user, start=v["start"], end=v["end"], by=v["by"]
                ),
            }
        )


class RatesIn(serializers.Serializer):
    start = serializers.DateField(default=lambda: timezone.localdate().replace(day=1))
    end = serializers.DateField(default=timezone.localdate)
    by = serializers.ChoiceField(choices=list(selectors.GROUPINGS), default="street")

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end is before the start.")})
        return attrs


class PublishedListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The latest published needs list (or ?list=<id>), ranked; public."""

    serializer_class = s.ListEntryOut
    permission_classes = [permissions.AllowAny]
    queryset = NeedsListEntry.objects.none()  # the schema's model; rows come from get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return NeedsListEntry.objects.none()
        lists_ = selectors.published_lists()
        wanted = self.request.query_params.get("list")
        chosen = lists_.filter(pk=wanted).first() if wanted and wanted.isdigit() else lists_.first()
        if chosen is None:
            return NeedsListEntry.objects.none()
        qs = selectors.published_entries(chosen).select_related("needs_list")
        street = self.request.query_params.get("street")
        if street:
            qs = qs.filter(Q(topic__area__parent__code=street) | Q(topic__area__code=street))
        category = self.request.query_params.get("category")
        if category:
            qs = qs.filter(
                Q(topic__category__code=category) | Q(topic__category__parent__code=category)
            )
        return qs


class OfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The supply list: active offers, public; organizations publish and withdraw their own."""

    serializer_class = s.OfferOut

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        qs = selectors.active_offers()
        p = self.request.query_params
        if p.get("category"):
            qs = qs.filter(
                Q(category__code=p["category"]) | Q(category__parent__code=p["category"])
            )
        if p.get("organization", "").isdigit():
            qs = qs.filter(organization_id=int(p["organization"]))
        if p.get("free") in ("true", "1"):
            qs = qs.filter(is_free=True)
        if p.get("area"):
            area = Area.objects.filter(code=p["area"]).first()
            if area is None:
                return qs.none()
            covering = [a for a in area.path.strip("/").split("/") if a]
            qs = qs.filter(Q(areas__in=covering) | Q(areas__path__startswith=area.path)).distinct()
        return qs.order_by("-created_at", "-pk")

    def create(self, request):
        data = s.OfferIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        org = _org(v.pop("organization"))
        offer = offers.publish_offer(by=request.user, organization=org, **v)
        return Response(s.OfferOut(selectors.active_offers().get(pk=offer.pk)).data, status=201)

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        offer = get_object_or_404(Offer, pk=pk)
        offers.withdraw_offer(offer_id=offer.pk, by=request.user)
        return Response({"id": offer.pk, "state": Offer.State.WITHDRAWN})


class TopicViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Staff: topics of their area, matching candidates with reasons, merge/split/promote."""

    class TopicOut(serializers.ModelSerializer):
        area = s.AreaRef()
        category = s.CategoryRef()

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

    serializer_class = TopicOut

    def get_queryset(self):
        if not is_staff_user(self.request.user):
            return Topic.objects.none()
        return visible(
            self.request.user, Topic.objects.exclude(state=Topic.State.MERGED)
        ).select_related("area", "category")

    def _topic(self, pk):
        return get_visible_or_404(self.request.user, self.get_queryset(), pk)

    @action(detail=True, methods=["get"])
    def candidates(self, request, pk=None):
        topic = self._topic(pk)
        out = [
            {
                "organization": {"id": c.organization.pk, "name": c.organization.name},
                "offer": {"id": c.offer.pk, "title": c.offer.title} if c.offer else None,
                "score": c.score,
                "reasons": c.reasons,
            }
            for c in matching.offer_candidates(topic)
        ]
        return Response({"topic": topic.pk, "candidates": out})

    @action(detail=True, methods=["post"], url_path="confirm-match")
    def confirm_match(self, request, pk=None):
        topic = self._topic(pk)
        data = s.ConfirmIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        match = matching.confirm_match(
            topic_id=topic.pk,
            organization_id=v["organization"],
            offer_id=v.get("offer"),
            purchase_item_id=v.get("purchase_item"),
            by=request.user,
        )
        return Response(
            {
                "id": match.pk,
                "organization": match.organization_id,
                "score": match.score,
                "reasons": match.reasons,
            },
            status=201,
        )

    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        topic = self._topic(pk)
        data = s.MergeIn(data=request.data)
        data.is_valid(raise_exception=True)
        others = [t.pk for t in self.get_queryset().filter(pk__in=data.validated_data["topics"])]
        merged = lists.merge_topics(into_id=topic.pk, other_ids=others, by=request.user)
        return Response(self.TopicOut(merged).data)

    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        topic = self._topic(pk)
        data = s.SplitIn(data=request.data)
        data.is_valid(raise_exception=True)
        new = lists.split_topic(
            topic_id=topic.pk,
            need_ids=data.validated_data["needs"],
            title=data.validated_data.get("title", ""),
            by=request.user,
        )
        return Response(self.TopicOut(new).data, status=201)

    @action(detail=True, methods=["post"])
    def promote(self, request, pk=None):
        topic = self._topic(pk)
        data = s.PromoteIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        item = lists.promote_topic(
            topic_id=topic.pk,
            by=request.user,
            estimated_budget=v["estimated_budget"],
            service_standard=v["service_standard"],
            title=v.get("title", ""),
        )
        return Response(
            {"id": item.pk, "title": item.title, "estimated_budget": str(item.estimated_budget)},
            status=201,
        )


class WhistleCallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.WhistleOut

    def get_queryset(self):
        return (
            visible(self.request.user, WhistleCall.objects.all())
            .select_related("community", "category")
            .prefetch_related(
                Prefetch("responses", WhistleResponse.objects.select_related("organization"))
            )
        )

    def create(self, request):
        data = s.WhistleIn(data=request.data)
        data.is_valid(raise_exception=True)
        call = whistle.raise_whistle_call(by=request.user, **data.validated_data)
        return Response(s.WhistleOut(self.get_queryset().get(pk=call.pk)).data, status=201)

    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        call = get_visible_or_404(request.user, WhistleCall.objects.all(), pk)
        data = s.RespondIn(data=request.data)
        data.is_valid(raise_exception=True)
        response = whistle.respond_to_call(
            call_id=call.pk,
            organization_id=data.validated_data["organization"],
            brings=data.validated_data["brings"],
            by=request.user,
        )
        return Response(s.WhistleResponseOut(response).data, status=201)

    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        call = get_visible_or_404(request.user, WhistleCall.objects.all(), pk)
        data = s.SelectIn(data=request.data)
        data.is_valid(raise_exception=True)
        whistle.select_responders(
            call_id=call.pk, response_ids=data.validated_data["responses"], by=request.user
        )
        return Response(s.WhistleOut(self.get_queryset().get(pk=call.pk)).data)

    @action(detail=False, methods=["get"], url_path="response-times")
    def response_times(self, request):
        qs = visible(request.user, WhistleResponse.objects.all())
        return Response(list(whistle.response_times_by_organization(qs)))


class NeedsListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Staff: compiled lists (drafts too) and publishing."""

    class ListOut(serializers.Serializer):
        id = serializers.IntegerField()
        period_start = serializers.DateField()
        period_end = serializers.DateField()
        state = serializers.CharField()
        compiled_at = serializers.DateTimeField()
        published_at = serializers.DateTimeField()

    serializer_class = ListOut

    def get_queryset(self):
        from procurement.models import NeedsList

        if not is_staff_user(self.request.user):
            return selectors.published_lists()
        return NeedsList.objects.order_by("-period_start")

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        lst = get_object_or_404(self.get_queryset(), pk=pk)
        lst = lists.publish_needs_list(list_id=lst.pk, by=request.user)
        return Response(self.ListOut(lst).data)
