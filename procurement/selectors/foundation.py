"""The foundation's funds, donations and disbursements: scoped for staff, and the public
view of a fund (totals, donors' display names, paid uses) for everybody."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.shortcuts import get_object_or_404

from huitian.access import visible
from huitian.models.ledger import ZERO
from procurement.models.foundation import Disbursement, Donation, FoundationFund


def foundation_funds_for(user):
    return visible(user, FoundationFund.objects.all()).select_related("community", "account")


def donations_for(user):
    return visible(user, Donation.objects.all()).select_related("fund", "fund__community")


def disbursements_for(user):
    return visible(user, Disbursement.objects.all()).select_related("fund", "fund__community")


@dataclass
class PublicFund:
    fund: FoundationFund
    income: Decimal = ZERO
    used: Decimal = ZERO
    balance: Decimal = ZERO
    donations: list = field(default_factory=list)
    uses: list = field(default_factory=list)


def public_funds():
    """Every open fund with its balance: the public index (no donor appears here)."""
    return (
        FoundationFund.objects.filter(is_open=True)
        .select_related("community", "account")
        .order_by("community__code")
    )


def public_fund(pk, *, limit: int = 200) -> PublicFund:
    """A fund's income and use as the public reads them: donors by their public name
    (匿名 for anonymous donors and residents), paid uses by purpose — no donor's
    personal data, no beneficiary of a refused or pending request."""
    if not str(pk).isdigit():
        from django.http import Http404

        raise Http404
    fund = get_object_or_404(public_funds(), pk=pk)
    donations = fund.donations.only(
        "fund", "donor_kind", "donor_name", "anonymous", "amount", "donated_on", "receipt_number"
    ).order_by("-donated_on", "-pk")
    paid = fund.disbursements.filter(state=Disbursement.State.PAID)
    income = fund.donations.aggregate(s=Sum("amount"))["s"] or ZERO
    used = paid.aggregate(s=Sum("amount"))["s"] or ZERO
    return PublicFund(
        fund=fund,
        income=income,
        used=used,
        balance=fund.account.balance,
        donations=[
            {
                "donor": d.public_name,
                "kind": d.get_donor_kind_display(),
                "amount": d.amount,
                "date": d.donated_on,
                "receipt": d.receipt_number,
            }
            for d in donations[:limit]
        ],
        uses=list(
            paid.values("purpose", "amount", "requested_at").order_by("-requested_at")[:limit]
        ),
    )
