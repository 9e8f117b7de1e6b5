"""志愿回天专项基金 (V4): contributions in, grants out, every yuan a kernel ledger movement.

The volunteers app opens its own ledger accounts (it does not import procurement): the
fund, where contributions come from, and where grants are paid to. Approval is refused
beyond what the fund holds after the grants already approved; payment is refused by
the ledger itself beyond the fund's balance.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian import ledger
from huitian.access import require
from huitian.ledger import yuan
from huitian.models import Area, LedgerAccount, LedgerMovement, User
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move, save_new
from volunteers.error_codes import ErrorCode
from volunteers.models import Grant, Team
from volunteers.models import fund as limits

K = LedgerAccount.Kind
M = LedgerMovement.Kind
FUND_CODE = "volunteers:fund"
CONTRIBUTORS_CODE = "volunteers:contributors"
GRANTEES_CODE = "volunteers:grantees"
FLOW = Grant.FLOW


def fund_account() -> LedgerAccount:
    district = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
    return ledger.open_account(code=FUND_CODE, name="志愿回天专项基金", kind=K.FUND, area=district)


def _contributors() -> LedgerAccount:
    return ledger.open_account(
        code=CONTRIBUTORS_CODE, name=_("Contributors to the volunteer fund"), kind=K.EXTERNAL
    )


def _grantees() -> LedgerAccount:
    return ledger.open_account(
        code=GRANTEES_CODE, name=_("Volunteer teams paid by the fund"), kind=K.EXTERNAL
    )


def contribute(*, amount, by: User, note: str) -> LedgerMovement:
    """Money enters the fund (district finance, a foundation, a company), with its source."""
    require(by, "volunteers.review_district")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say where the money comes from.")})
    return ledger.post(
        kind=M.DONATE,
        legs=[ledger.Leg(fund_account(), _contributors(), ledger.money(amount))],
        by=by,
        note=note,
    )


def committed() -> Decimal:
    """Approved, not yet paid."""
    total = Grant.objects.filter(state=Grant.State.APPROVED).aggregate(s=Sum("amount"))["s"]
    return total or Decimal("0.00")


def apply_for_grant(*, team_id: int, by: User, title: str, purpose: str, amount) -> Grant:
    """Whoever manages a team (its leaders, its organization, staff of its area) applies."""
    team = Team.objects.get(pk=team_id)
    require(by, "volunteers.manage_team", team)
    title, purpose = (title or "").strip(), (purpose or "").strip()
    check_lengths(
        title=(title, limits.GRANT_TITLE_MAX), purpose=(purpose, limits.GRANT_PURPOSE_MAX)
    )
    errors = {}
    if not title:
        errors["title"] = [_("Name the project the grant is for.")]
    if not purpose:
        errors["purpose"] = [_("Say what the money is for.")]
    if errors:
        raise ValidationError(errors)
    amount = ledger.money(amount)
    with transaction.atomic():
        grant = Grant(
            team=team,
            title=title,
            purpose=purpose,
            amount=amount,
            year=timezone.localdate().year,
            applied_by=by,
        )
        save_new(grant, by=by, step="apply")
    return grant


def _locked(grant_id: int) -> Grant:
    return Grant.objects.select_for_update(of=("self",)).select_related("team").get(pk=grant_id)


def approve_grant(*, grant_id: int, by: User, note: str = "") -> Grant:
    with transaction.atomic():
        account = LedgerAccount.objects.select_for_update().get(pk=fund_account().pk)
        grant = _locked(grant_id)
        require(by, "volunteers.review_district")
        check_step(grant, FLOW["approve"], note=note)
        free = account.balance - committed()
        if grant.amount > free:
            raise WorkflowError(
                ErrorCode.BEYOND_FUND,
                _(
                    "The fund has ¥%(free)s not yet promised to other grants; "
                    "¥%(amount)s is more than that."
                )
                % {"free": yuan(free), "amount": yuan(grant.amount)},
            )
        move(grant, FLOW["approve"], by=by, note=note)
    return grant


def reject_grant(*, grant_id: int, by: User, note: str) -> Grant:
    with transaction.atomic():
        grant = _locked(grant_id)
        require(by, "volunteers.review_district")
        move(grant, FLOW["reject"], by=by, note=note)
    return grant


def pay_grant(*, grant_id: int, by: User, note: str = "") -> Grant:
    """Pay an approved grant out of the fund; the ledger refuses beyond the balance."""
    with transaction.atomic():
        grant = _locked(grant_id)
        require(by, "volunteers.review_district")
        check_step(grant, FLOW["pay"], note=note)
        movement = ledger.post(
            kind=M.PAY,
            legs=[ledger.Leg(_grantees(), fund_account(), grant.amount)],
            by=by,
            cause=grant,
            note=note or grant.title,
        )
        grant.movement, grant.paid_at = movement, timezone.now()
        Grant.objects.filter(pk=grant.pk).update(movement=movement, paid_at=grant.paid_at)
        move(grant, FLOW["pay"], by=by, note=note, also=["movement", "paid_at"])
    return grant
