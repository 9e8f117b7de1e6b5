"""The one door that moves money (P6): `post()` writes a movement's entries.

Every entry of a movement is written in one transaction. The affected accounts are
locked with `select_for_update` in ascending id order (a fixed order, so two
movements touching the same accounts never deadlock), their cached balances are
changed, and a movement that would take any non-external account below zero is
refused with the figure that stops it. The database's CHECK (balance >= 0) is the
last line should anything bypass this function.

Corrections are never edits: `reverse()` posts the mirror movement, pointing at the
one it reverses, with a reason. Entries and movements are append-only (model save /
delete refuse, and a trigger refuses UPDATE and DELETE in the database).
"""

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from huitian.models import LedgerAccount, LedgerEntry, LedgerMovement
from huitian.models.ledger import ZERO
from huitian.workflow import WorkflowError

MAX_AMOUNT = Decimal("999999999999.99")
NOTE_MAX_LENGTH = 500


class ErrorCode(enum.StrEnum):
    INSUFFICIENT_FUNDS = "insufficient_funds"
    ALREADY_REVERSED = "already_reversed"
    REASON_REQUIRED = "reason_required"
    CANNOT_REVERSE_REVERSAL = "cannot_reverse_reversal"


@dataclass(frozen=True)
class Leg:
    """Move `amount` yuan out of `credit` into `debit`."""

    debit: LedgerAccount
    credit: LedgerAccount
    amount: Decimal | str | int


def money(value, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """A yuan amount from a person or a service: positive, at most two decimals.

    Refusals say the figure that stops them, as a field error."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(
            {field: _("“%(value)s” is not an amount in yuan.") % {"value": value}}
        ) from None
    if not amount.is_finite():
        raise ValidationError(
            {field: _("“%(value)s” is not an amount in yuan.") % {"value": value}}
        )
    if amount < 0:
        raise ValidationError(
            {field: _("The amount ¥%(amount)s is negative.") % {"amount": yuan(amount)}}
        )
    if amount == 0 and not allow_zero:
        raise ValidationError({field: _("The amount must be more than ¥0.")})
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(
            {
                field: _("The amount ¥%(amount)s has more than two decimal places (fen).")
                % {"amount": amount}
            }
        )
    if amount > MAX_AMOUNT:
        raise ValidationError(
            {
                field: _("The amount ¥%(amount)s is more than this ledger holds.")
                % {"amount": amount}
            }
        )
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def yuan(amount) -> str:
    """Money as people read it: two decimals, digits in threes (1,200,000.00), whatever
    the language (Django's Chinese number format groups none). For messages and pages."""
    return f"{Decimal(str(amount)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def open_account(
    *, code: str, name: str, kind: str, area=None, owner: models.Model | None = None
) -> LedgerAccount:
    """The account with `code`, opened the first time (idempotent)."""
    defaults = {"name": name[:200], "kind": kind, "area": area}
    if owner is not None:
        defaults["owner_type"] = ContentType.objects.get_for_model(owner)
        defaults["owner_id"] = owner.pk
    account, _created = LedgerAccount.objects.get_or_create(code=code, defaults=defaults)
    return account


def post(
    *,
    kind: str,
    legs: Sequence[Leg],
    by=None,
    cause: models.Model | None = None,
    note: str = "",
    reverses: LedgerMovement | None = None,
    field: str = "amount",
) -> LedgerMovement:
    """Write every entry of one movement, or nothing.

    Raises ValidationError for a malformed amount and WorkflowError(insufficient_funds)
    when an account's available balance would fall below zero; `field` names the form
    field the refusal belongs to."""
    if kind not in LedgerMovement.Kind.values:
        raise ValidationError({"kind": _("Unknown movement kind “%(kind)s”.") % {"kind": kind}})
    if not legs:
        raise ValidationError({field: _("A movement needs at least one entry.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("At most %(limit)d characters.") % {"limit": NOTE_MAX_LENGTH}}
        )
    checked = []
    delta: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for leg in legs:
        amount = money(leg.amount, field=field)
        if leg.debit.pk == leg.credit.pk:
            raise ValidationError({field: _("An entry needs two different accounts.")})
        checked.append((leg.debit, leg.credit, amount))
        delta[leg.debit.pk] += amount
        delta[leg.credit.pk] -= amount
    with transaction.atomic():
        locked = {
            a.pk: a
            for a in LedgerAccount.objects.select_for_update(of=("self",))
            .select_related("area")
            .filter(pk__in=delta)
            .order_by("pk")
        }
        for pk in sorted(delta):
            account = locked[pk]
            after = account.balance + delta[pk]
            if after < 0 and account.kind != LedgerAccount.Kind.EXTERNAL:
                needed = -delta[pk]
                raise WorkflowError(
                    ErrorCode.INSUFFICIENT_FUNDS,
                    _("%(account)s has ¥%(available)s available; ¥%(needed)s is more than that.")
                    % {
                        "account": account.name,
                        "available": yuan(account.balance),
                        "needed": yuan(needed),
                    },
                    fields={
                        field: [
                            _("¥%(needed)s is more than the ¥%(available)s available.")
                            % {"needed": yuan(needed), "available": yuan(account.balance)}
                        ]
                    },
                )
        areas = [a.area for a in locked.values() if a.area_id is not None]
        area = max(areas, key=lambda a: len(a.path), default=None)
        movement = LedgerMovement(kind=kind, by=by, note=note, reverses=reverses, area=area)
        if cause is not None:
            movement.cause_type = ContentType.objects.get_for_model(cause)
            movement.cause_id = cause.pk
        movement.save()
        LedgerEntry.objects.bulk_create(
            LedgerEntry(movement=movement, debit=d, credit=c, amount=a) for d, c, a in checked
        )
        for pk, change in delta.items():
            if change:
                LedgerAccount.objects.filter(pk=pk).update(balance=models.F("balance") + change)
    return movement


def reverse(*, movement_id: int, by, reason: str) -> LedgerMovement:
    """Correct a movement by posting its mirror image, pointing at it, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(
            ErrorCode.REASON_REQUIRED,
            _("Say why the movement is reversed."),
            fields={"reason": [_("A reason is required.")]},
        )
    with transaction.atomic():
        original = LedgerMovement.objects.select_for_update().get(pk=movement_id)
        if original.kind == LedgerMovement.Kind.REVERSE:
            raise WorkflowError(
                ErrorCode.CANNOT_REVERSE_REVERSAL,
                _("A reversal is not reversed; post a new movement instead."),
            )
        if LedgerMovement.objects.filter(reverses=original).exists():
            raise WorkflowError(
                ErrorCode.ALREADY_REVERSED,
                _("Movement #%(id)s is already reversed.") % {"id": original.pk},
            )
        legs = [
            Leg(debit=e.credit, credit=e.debit, amount=e.amount)
            for e in original.entries.select_related("debit", "credit")
        ]
        return post(
            kind=LedgerMovement.Kind.REVERSE,
            legs=legs,
            by=by,
            cause=original.cause,
            note=reason,
            reverses=original,
        )


def balance_of(account: LedgerAccount | int) -> Decimal:
    """The account's balance as the sum of its entries (the cache's proof)."""
    pk = getattr(account, "pk", account)
    debits = LedgerEntry.objects.filter(debit_id=pk).aggregate(s=Sum("amount"))["s"] or ZERO
    credits = LedgerEntry.objects.filter(credit_id=pk).aggregate(s=Sum("amount"))["s"] or ZERO
    return debits - credits


def available(account: LedgerAccount | int) -> Decimal:
    """What may still leave the account (its cached balance)."""
    pk = getattr(account, "pk", account)
    return LedgerAccount.objects.values_list("balance", flat=True).get(pk=pk)
