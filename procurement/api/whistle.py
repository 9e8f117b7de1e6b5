"""Whistle calls (P5): staff raise them, organizations respond, staff select responders."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from procurement import selectors
from procurement.serializers import whistle as s
from procurement.services import whistle as svc

REFUSALS = gettext_lazy(
    "403 when the caller may not take this step, 404 when the call is not visible (or the "
    "id is not a number), 409 when the call no longer allows it."
)


class WhistleCallViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.WhistleCallOut
    output_serializer_class = s.WhistleCallOut

    def get_queryset(self):
        return selectors.whistle_calls_with_responses(self.request.user).order_by(
            "-raised_at", "-pk"
        )

    @extend_schema(
        summary=gettext_lazy("Raise a whistle call (community, street, district staff)"),
        request=s.WhistleCallIn,
        responses={201: s.WhistleCallOut},
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.WhistleCallIn)
        call = svc.raise_whistle_call(
            by=request.user,
            community=v["community"],
            category=v["category"],
            problem=v["problem"],
            urgency=int(v["urgency"]),
            deadline=v["deadline"],
        )
        return self.render(call, status=201)

    @extend_schema(
        summary=gettext_lazy("Report to a whistle call (organization members)"),
        request=s.RespondToCallIn,
        responses={201: s.WhistleResponseOut},
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def respond(self, request, pk=None):
        call = self.visible_object(pk)
        v = self.parse(s.RespondToCallIn)
        response = svc.respond_to_call(
            call_id=call.pk, organization_id=v["organization"], brings=v["brings"], by=request.user
        )
        return Response(s.WhistleResponseOut(response).data, status=201)

    @extend_schema(
        summary=gettext_lazy("Select the responders who will come"),
        request=s.SelectRespondersIn,
        responses=s.WhistleCallOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def select(self, request, pk=None):
        call = self.visible_object(pk)
        v = self.parse(s.SelectRespondersIn)
        return self.render(
            svc.select_responders(call_id=call.pk, response_ids=v["responses"], by=request.user)
        )

    @extend_schema(
        summary=gettext_lazy("Record that a selected responder did not show up"),
        request=s.NoShowIn,
        responses={201: s.WhistleResponseOut, 200: s.WhistleResponseOut},
        description=gettext_lazy(
            "Once per response: the first call records it (and a credit event) and answers "
            "201; calling again changes nothing and answers 200 with the same response "
            "(its no_show_at unchanged). 404 when the call is not visible or the response "
            "is not one of its responses' ids; 409 not_selected when the responder was not "
            "selected; 403 when the caller may not select responders of this call."
        ),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="responses/<int:response_id>/no-show",
        url_name="no-show",
    )
    def no_show(self, request, pk=None, response_id=None):
        call = self.visible_object(pk)
        get_object_or_404(call.responses.all(), pk=response_id)
        v = self.parse(s.NoShowIn)
        response, created = svc.record_no_show(
            call_id=call.pk, response_id=int(response_id), by=request.user, note=v["note"]
        )
        return Response(s.WhistleResponseOut(response).data, status=201 if created else 200)

    @extend_schema(
        summary=gettext_lazy("Response times by organization"),
        responses=s.ResponseTimeOut(many=True),
    )
    @action(detail=False, methods=["get"], url_path="response-times", pagination_class=None)
    def response_times(self, request):
        rows = selectors.whistle_response_times(request.user)
        return Response(s.ResponseTimeOut(rows, many=True).data)
