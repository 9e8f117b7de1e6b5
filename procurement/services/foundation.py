"""The community foundation (P7): funds, donations with gapless receipts, disbursements.

Receipt numbers come from one counter row per year, locked (`select_for_update`) in
the donation's own transaction: a failed donation rolls its number back, two donors
at once queue on the row, so numbers run 1, 2, 3 … with no gap and no repeat.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian import ledger
from huitian.access import require
from huitian.ledger import yuan
from huitian.models import Area, LedgerAccount, LedgerMovement
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move, save_new
from procurement.error_codes import ErrorCode
from procurement.models.foundation import (
    NAME_MAX,
    PURPOSE_MAX,
    Disbursement,
    Donation,
    FoundationFund,
    ReceiptCounter,
)

K = LedgerAccount.Kind
M = LedgerMovement.Kind
FLOW = Disbursement.FLOW
DONORS = "external:donors"
BENEFICIARIES = "external:beneficiaries"
RECEIPT_PREFIX = "HTJJH"


def open_foundation_fund(
    *, community: Area, name: str = "", rules: str = "", managers=(), by
) -> FoundationFund:
    """The community's special fund under the foundation (one per community; idempotent)."""
    if community.level != Area.Level.COMMUNITY:
        raise WorkflowError(
            ErrorCode.NOT_A_COMMUNITY,
            _("%(area)s is not a community.") % {"area": community.name},
            fields={"community": [_("Choose a community.")]},
        )
    require(by, "procurement.open_fund", community)
    name = name or _("%(community)s special fund") % {"community": community.name}
    check_lengths(name=(name, 100), rules=(rules, 2000))
    with transaction.atomic():
        fund = FoundationFund.objects.filter(community=community).first()
        if fund is not None:
            return fund
        account = ledger.open_account(
            code=f"fund:{community.code}", name=name, kind=K.FUND, area=community
        )
        fund = FoundationFund(community=community, name=name, rules=rules, account=account)
        fund._history_user = by if getattr(by, "pk", None) else None
        fund.save()
        if managers:
            fund.managers.set(managers)
    return fund


def next_receipt_number(year: int) -> str:
    """The next receipt number of `year`; call inside the transaction that uses it."""
    ReceiptCounter.objects.get_or_create(year=year)
    counter = ReceiptCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{RECEIPT_PREFIX}{year}-{counter.last:06d}"


def record_donation(
    *,
    fund_id: int,
    donor_kind: str,
    donor_name: str,
    amount,
    donated_on: datetime.date | None = None,
    anonymous: bool = False,
    by,
) -> Donation:
    """Record a donation into a fund: money in through the ledger, a receipt number out."""
    if donor_kind not in Donation.DonorKind.values:
        raise ValidationError({"donor_kind": _("Choose a company, a merchant or a resident.")})
    donor_name = (donor_name or "").strip()
    if not donor_name:
        raise ValidationError({"donor_name": _("Name the donor (they may stay anonymous).")})
    check_lengths(donor_name=(donor_name, NAME_MAX))
    amount = ledger.money(amount)
    donated_on = donated_on or timezone.localdate()
    if donated_on > timezone.localdate():
        raise ValidationError({"donated_on": _("A donation cannot be dated in the future.")})
    fund = FoundationFund.objects.select_related("account", "community").get(pk=fund_id)
    require(by, "procurement.record_donation", fund)
    if not fund.is_open:
        raise WorkflowError(ErrorCode.FUND_CLOSED, _("This fund takes no donations now."))
    with transaction.atomic():
        receipt = next_receipt_number(donated_on.year)
        donors = ledger.open_account(code=DONORS, name=_("Donors"), kind=K.EXTERNAL)
        movement = ledger.post(
            kind=M.DONATE,
            legs=[ledger.Leg(fund.account, donors, amount)],
            by=by,
            cause=fund,
            note=receipt,
        )
        donation = Donation(
            fund=fund,
            donor_kind=donor_kind,
            donor_name=donor_name,
            anonymous=bool(anonymous),
            amount=amount,
            donated_on=donated_on,
            receipt_number=receipt,
            movement=movement,
            recorded_by=by,
        )
        donation._history_user = by
        donation.save()
    return donation


def _refuse_beyond_balance(fund: FoundationFund, amount) -> None:
    available = ledger.available(fund.account)
    if amount > available:
        raise WorkflowError(
            ErrorCode.INSUFFICIENT_FUNDS,
            _("%(fund)s has ¥%(available)s; ¥%(amount)s is more than that.")
            % {"fund": fund.name, "available": yuan(available), "amount": yuan(amount)},
            fields={
                "amount": [
                    _("¥%(amount)s is more than the ¥%(available)s available.")
                    % {"amount": yuan(amount), "available": yuan(available)}
                ]
            },
        )


def why_not_disburse(fund: FoundationFund, amount) -> list[str]:
    try:
        _refuse_beyond_balance(fund, ledger.money(amount))
    except (WorkflowError, ValidationError) as exc:
        return [str(getattr(exc, "detail", None) or "; ".join(exc.messages))]
    return []


def request_disbursement(
    *, fund_id: int, amount, purpose: str, beneficiary: str, by
) -> Disbursement:
    """Ask the fund's managers to pay `amount` for `purpose`; refused beyond the balance."""
    purpose, beneficiary = (purpose or "").strip(), (beneficiary or "").strip()
    errors = {}
    if not purpose:
        errors["purpose"] = _("Say what the money is for.")
    if not beneficiary:
        errors["beneficiary"] = _("Name who receives the money.")
    if errors:
        raise ValidationError(errors)
    check_lengths(purpose=(purpose, PURPOSE_MAX), beneficiary=(beneficiary, NAME_MAX))
    amount = ledger.money(amount)
    fund = FoundationFund.objects.select_related("account").get(pk=fund_id)
    require(by, "procurement.request_disbursement", fund)
    _refuse_beyond_balance(fund, amount)
    with transaction.atomic():
        item = Disbursement(
            fund=fund, amount=amount, purpose=purpose, beneficiary=beneficiary, requested_by=by
        )
        save_new(item, by=by)
    return item


def _locked(disbursement_id: int) -> Disbursement:
    return (
        Disbursement.objects.select_for_update(of=("self",))
        .select_related("fund", "fund__account")
        .get(pk=disbursement_id)
    )


def approve_disbursement(*, disbursement_id: int, by, note: str = "") -> Disbursement:
    with transaction.atomic():
        item = _locked(disbursement_id)
        require(by, "procurement.approve_disbursement", item.fund)
        _refuse_beyond_balance(item.fund, item.amount)
        move(item, FLOW["approve"], by=by, note=note)
    return item


def reject_disbursement(*, disbursement_id: int, by, note: str) -> Disbursement:
    with transaction.atomic():
        item = _locked(disbursement_id)
        require(by, "procurement.approve_disbursement", item.fund)
        move(item, FLOW["reject"], by=by, note=note)
    return item


def pay_disbursement(*, disbursement_id: int, by, note: str = "") -> Disbursement:
    """Pay an approved disbursement out of the fund; the ledger refuses an overdraft."""
    with transaction.atomic():
        item = _locked(disbursement_id)
        require(by, "procurement.approve_disbursement", item.fund)
        check_step(item, FLOW["pay"])  # refuses with the workflow's reason
        beneficiaries = ledger.open_account(
            code=BENEFICIARIES, name=_("Beneficiaries"), kind=K.EXTERNAL
        )
        movement = ledger.post(
            kind=M.DISBURSE,
            legs=[ledger.Leg(beneficiaries, item.fund.account, item.amount)],
            by=by,
            cause=item,
            note=note or item.purpose[:200],
        )
        # A paid disbursement names its movement (a CHECK): link it before the step.
        Disbursement.objects.filter(pk=item.pk).update(movement=movement)
        item.movement = movement
        move(item, FLOW["pay"], by=by, note=note, also=["movement"])
    return item
