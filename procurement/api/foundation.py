"""The community foundation (P7): funds, donations, disbursements; a public view per fund."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.api.actions import ScopedActionsMixin
from huitian.api.idempotency import idempotent
from procurement.selectors import foundation as sel
from procurement.serializers import foundation as s
from procurement.services import foundation as svc

REFUSALS = gettext_lazy(
    "403 when the caller is not one of the fund's managers (or its community's staff for "
    "requests), 404 when the record is not visible, 409 when the step is not allowed or "
    "the amount is more than the fund's balance (the detail names both figures)."
)


class FoundationFundViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.FoundationFundOut
    output_serializer_class = s.FoundationFundOut

    def get_queryset(self):
        return sel.foundation_funds_for(self.request.user).order_by("community__code")

    @extend_schema(
        summary=gettext_lazy("Open a community's special fund (district, or its street)"),
        request=s.OpenFundIn,
        responses={201: s.FoundationFundOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.OpenFundIn)
        fund = svc.open_foundation_fund(
            community=v["community"],
            name=v.get("name", ""),
            rules=v.get("rules", ""),
            managers=v.get("managers", []),
            by=request.user,
        )
        return self.render(fund, status=201)


class DonationViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.DonationOut
    output_serializer_class = s.DonationOut

    def get_queryset(self):
        return sel.donations_for(self.request.user).order_by("-donated_on", "-pk")

    @extend_schema(
        summary=gettext_lazy("Record a donation; the receipt number comes back"),
        request=s.DonationIn,
        responses={201: s.DonationOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.DonationIn)
        donation = svc.record_donation(
            fund_id=v["fund"].pk,
            donor_kind=v["donor_kind"],
            donor_name=v["donor_name"],
            anonymous=v["anonymous"],
            amount=v["amount"],
            donated_on=v.get("donated_on"),
            by=request.user,
        )
        return self.render(donation, status=201)


class DisbursementViewSet(
    ScopedActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.DisbursementOut
    output_serializer_class = s.DisbursementOut

    def get_queryset(self):
        return sel.disbursements_for(self.request.user).order_by("-requested_at", "-pk")

    @extend_schema(
        summary=gettext_lazy("Request a disbursement from a fund"),
        request=s.DisbursementIn,
        responses={201: s.DisbursementOut},
        description=REFUSALS,
    )
    @idempotent
    def create(self, request):
        v = self.parse(s.DisbursementIn)
        item = svc.request_disbursement(
            fund_id=v["fund"].pk,
            amount=v["amount"],
            purpose=v["purpose"],
            beneficiary=v["beneficiary"],
            by=request.user,
        )
        return self.render(item, status=201)

    def _step(self, pk, service, **kwargs):
        item = self.visible_object(pk)
        v = self.parse(s.StepNoteIn)
        return self.render(
            service(disbursement_id=item.pk, by=self.request.user, note=v.get("note", ""))
        )

    @extend_schema(
        summary=gettext_lazy("Approve (the fund's managers)"),
        request=s.StepNoteIn,
        responses=s.DisbursementOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(pk, svc.approve_disbursement)

    @extend_schema(
        summary=gettext_lazy("Reject with a reason (the fund's managers)"),
        request=s.StepNoteIn,
        responses=s.DisbursementOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(pk, svc.reject_disbursement)

    @extend_schema(
        summary=gettext_lazy("Pay an approved disbursement out of the fund"),
        request=s.StepNoteIn,
        responses=s.DisbursementOut,
        description=REFUSALS,
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        return self._step(pk, svc.pay_disbursement)


class PublicFundViewSet(viewsets.GenericViewSet):
    """A fund's income and use as the public reads them: no donor's personal data."""

    serializer_class = s.PublicFundOut
    permission_classes = [permissions.AllowAny]
    pagination_class = None

    def get_queryset(self):
        return sel.public_funds()

    @extend_schema(summary=gettext_lazy("A fund's income and use (public)"))
    def retrieve(self, request, pk=None):
        return Response(s.PublicFundOut(sel.public_fund(pk)).data)
