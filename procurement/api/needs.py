"""Needs (P1): residents submit from the app; staff and organizations take the steps."""

import functools
import threading
import time

from django.conf import settings
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, pagination, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.access import Forbidden, is_staff_user
from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from huitian.api.pagination import EstimatedCountPagination, EstimatingPaginator
from procurement import selectors
from procurement.api.filters import NeedFilter, QueueFilter
from procurement.error_codes import ErrorCode
from procurement.serializers import needs as s
from procurement.services import needs as svc
from procurement.services.needs import triage


def _staff_only(user) -> None:
    if not is_staff_user(user):
        raise Forbidden(_("Staff only."), code=ErrorCode.STAFF_ONLY)


RATES_RANGE_HELP = gettext_lazy("A date from 2000-01-01 to 2100-12-31.")


class RatesIn(serializers.Serializer):
    start = serializers.DateField(
        default=lambda: timezone.localdate().replace(day=1), help_text=RATES_RANGE_HELP
    )
    end = serializers.DateField(default=timezone.localdate, help_text=RATES_RANGE_HELP)
    by = serializers.ChoiceField(choices=list(selectors.GROUPINGS), default="street")

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": _("The end is before the start.")})
        return attrs


class RateRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    resolution_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    rated = serializers.IntegerField()


class RatesOut(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    by = serializers.CharField()
    rows = RateRowOut(many=True)


def _step(request_serializer, summary):
    """Schema of a lifecycle step: its own body, the need after the step, the refusals."""
    return extend_schema(
        summary=summary,
        request=request_serializer,
        responses={200: s.NeedOut},
        description=gettext_lazy(
            "403 when the caller may not take this step, 404 when the need is not visible "
            "(or the id is not a number), 409 when the need's state does not allow it."
        ),
    )


# Past the exact limit, a scope's estimated count is reused for ESTIMATE_TTL seconds in
# the worker: the capped count and the 1 % sample (most of a district's page at 1,000,000
# needs) run about once a minute per worker and scope, not on every page. An estimate
# a minute old is still "约 103 万"; under the limit every count stays exact.
ESTIMATE_TTL = 60.0
_estimates: dict[str, tuple[float, int]] = {}
_estimates_lock = threading.Lock()


def forget_estimates() -> None:
    with _estimates_lock:
        _estimates.clear()


class _RememberingPaginator(EstimatingPaginator):
    @cached_property
    def count(self):
        qs = getattr(self.object_list, "count_source", self.object_list)
        if self.exact or not hasattr(qs, "query"):
            return super().count
        sql, params = self.count_sql
        key, now = f"{sql}|{params!r}", time.monotonic()
        hit = _estimates.get(key)
        if hit and now - hit[0] < ESTIMATE_TTL:
            self.estimated = True
            return hit[1]
        count = super().count
        if self.estimated:
            with _estimates_lock:
                if len(_estimates) >= 1000:  # scopes × filters: bounded
                    _estimates.clear()
                _estimates[key] = (now, count)
        return count


class NeedsPagination(EstimatedCountPagination):
    def paginate_queryset(self, queryset, request, view=None):
        exact = request.query_params.get(self.count_query_param) == "exact"
        self.django_paginator_class = functools.partial(
            _RememberingPaginator,
            exact_limit=getattr(settings, "API_EXACT_COUNT_LIMIT", 10_000),
            exact=exact,
        )
        return pagination.PageNumberPagination.paginate_queryset(self, queryset, request, view)


class NeedViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Needs: the caller's own (residents), their area's (staff) or assigned (organizations)."""

    serializer_class = s.NeedOut
    output_serializer_class = s.NeedOut
    filterset_class = NeedFilter
    # A district's list is a million rows: counted exactly only up to a limit (?count=exact).
    pagination_class = NeedsPagination

    def get_queryset(self):
        return selectors.needs_for(self.request.user)

    def get_serializer_class(self):
        return s.NeedIn if self.action == "create" else s.NeedOut

    @extend_schema(responses=s.NeedOut(many=True))
    def list(self, request, *args, **kwargs):
        """The list in NeedOut's shape from values() rows (s.NeedListOut): one page query."""
        needs = self.get_queryset()
        if not request.query_params.keys().isdisjoint(NeedFilter.base_filters):
            # (no filter asked: the filter form is not built, a tenth of a millisecond)
            needs = self.filter_queryset(needs)
        rows = s.list_rows(needs)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.NeedListOut(page, user=request.user).data)

    @extend_schema(
        summary=gettext_lazy("Submit a need"),
        request={"application/json": s.NeedIn, "multipart/form-data": s.NeedIn},
        responses={201: s.NeedOut},
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.NeedIn)
        need = svc.submit_need(
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
        # The need as saved, not re-read: its community (with the street) and category
        # come from the reference cache, nothing else is joined yet (one SELECT less).
        # NeedOut's JSON, rendered as the list renders its rows (no serializer fields
        # built per request: they were the largest Python cost of a submission).
        return Response(s.NeedListOut([s.row_of(need)], user=request.user).data[0], status=201)

    @extend_schema(responses=s.NeedDetailOut)
    def retrieve(self, request, pk=None):
        """One need with each step, its date and what staff told the resident."""
        return self.render(self.visible_object(pk), serializer_class=s.NeedDetailOut)

    @extend_schema(
        summary=gettext_lazy("Add a need submitted without an account (the resident)"),
        request=s.LinkNeedIn,
        responses={200: s.NeedDetailOut},
    )
    @action(detail=False, methods=["post"], filterset_class=None)
    def link(self, request):
        v = self.parse(s.LinkNeedIn)
        need = svc.link_need(tracking_code=v["tracking_code"], by=request.user)
        return self.render(need, serializer_class=s.NeedDetailOut)

    @extend_schema(
        summary=gettext_lazy("Needs waiting for a community: the district triage queue (staff)"),
        responses=s.NeedOut(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def triage(self, request):
        _staff_only(request.user)
        page = self.paginate_queryset(triage.triage_queue(request.user))
        return self.get_paginated_response(
            s.NeedOut(page, many=True, context=self.get_serializer_context()).data
        )

    @_step(s.LocateNeedIn, gettext_lazy("Place a need from the triage queue in its community"))
    @action(detail=True, methods=["post"], filterset_class=None)
    def locate(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.LocateNeedIn)
        return self.render(
            triage.locate_need(
                need_id=need.pk, community=v["community"], by=request.user, note=v.get("note", "")
            ),
            serializer_class=s.NeedDetailOut,
        )

    @_step(s.AcceptNeedIn, gettext_lazy("Accept a need"))
    @action(detail=True, methods=["post"], filterset_class=None)
    def accept(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.AcceptNeedIn)
        return self.render(
            svc.accept_need(need_id=need.pk, by=request.user, note=v.get("note", ""))
        )

    @_step(s.RejectNeedIn, gettext_lazy("Reject a need (out of scope, duplicate)"))
    @action(detail=True, methods=["post"], filterset_class=None)
    def reject(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.RejectNeedIn)
        return self.render(
            svc.reject_need(
                need_id=need.pk, by=request.user, reason=v["reason"], note=v.get("note", "")
            )
        )

    @_step(s.AssignNeedIn, gettext_lazy("Assign a need to an area or an organization"))
    @action(detail=True, methods=["post"], filterset_class=None)
    def assign(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.AssignNeedIn)
        organization = None
        if v.get("organization") is not None:
            organization = selectors.listed_organization(v["organization"])
            if organization is None:
                raise serializers.ValidationError(
                    {"organization": [_("No such organization in the directory.")]}
                )
        return self.render(
            svc.assign_need(
                need_id=need.pk,
                by=request.user,
                area=v.get("area"),
                organization=organization,
                note=v.get("note", ""),
            )
        )

    @_step(s.StartServiceIn, gettext_lazy("Start the service"))
    @action(detail=True, methods=["post"], filterset_class=None)
    def start(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.StartServiceIn)
        return self.render(
            svc.start_service(need_id=need.pk, by=request.user, note=v.get("note", ""))
        )

    @_step(s.ResolveNeedIn, gettext_lazy("Resolve a need"))
    @action(detail=True, methods=["post"], filterset_class=None)
    def resolve(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.ResolveNeedIn)
        return self.render(
            svc.resolve_need(need_id=need.pk, by=request.user, note=v.get("note", ""))
        )

    @_step(s.CloseUnresolvedIn, gettext_lazy("Close a need without resolution"))
    @action(detail=True, methods=["post"], url_path="close-unresolved", filterset_class=None)
    def close_unresolved(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.CloseUnresolvedIn)
        return self.render(
            svc.close_unresolved(
                need_id=need.pk, by=request.user, reason=v["reason"], note=v.get("note", "")
            )
        )

    @_step(s.RateNeedIn, gettext_lazy("Rate a resolved need (the resident)"))
    @action(detail=True, methods=["post"], filterset_class=None)
    def rate(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.RateNeedIn)
        return self.render(
            svc.rate_need(
                need_id=need.pk,
                by=request.user,
                satisfaction=v["satisfaction"],
                comment=v.get("comment", ""),
            )
        )

    @_step(s.ReopenNeedIn, gettext_lazy("Reopen a closed need (the resident)"))
    @action(detail=True, methods=["post"], filterset_class=None)
    def reopen(self, request, pk=None):
        need = self.visible_object(pk)
        v = self.parse(s.ReopenNeedIn)
        return self.render(
            svc.reopen_need(need_id=need.pk, by=request.user, note=v.get("note", ""))
        )

    @extend_schema(
        summary=gettext_lazy("Open needs of the caller's areas, by deadline (staff)"),
        responses=s.NeedOut(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=QueueFilter)
    def queue(self, request):
        _staff_only(request.user)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            s.NeedOut(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary=gettext_lazy("Response, resolution and satisfaction rates (staff)"),
        parameters=[RatesIn],
        responses=RatesOut,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def rates(self, request):
        _staff_only(request.user)
        q = RatesIn(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        rows = selectors.need_rates(request.user, start=v["start"], end=v["end"], by=v["by"])
        return Response(RatesOut({**v, "rows": rows}).data)


__all__ = ["NeedViewSet"]
