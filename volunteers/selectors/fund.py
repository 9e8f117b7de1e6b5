"""Reads of the 志愿回天 special fund (V4): public grants and the fund's figures."""

from decimal import Decimal

from django.db.models import QuerySet


def public_grants(*, year: int | None = None) -> QuerySet:
    """Grants approved or paid: public, by team and amount (applicants' names never)."""
    from volunteers.models import Grant

    qs = (
        Grant.objects.filter(state__in=[Grant.State.APPROVED, Grant.State.PAID])
        .select_related("team")
        .order_by("-applied_at", "-pk")
    )
    if year:
        qs = qs.filter(year=year)
    return qs


def fund_figures() -> dict:
    """Balance, promised (approved, unpaid) and free; reads only (the account may not exist yet)."""
    from huitian.models import LedgerAccount
    from volunteers.services.fund import FUND_CODE, committed

    balance = LedgerAccount.objects.filter(code=FUND_CODE).values_list("balance", flat=True).first()
    balance = balance if balance is not None else Decimal("0.00")
    promised = committed()
    return {"balance": balance, "committed": promised, "free": balance - promised}
