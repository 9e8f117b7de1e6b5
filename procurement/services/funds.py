"""Funding sources and budgets (P6): money enters a source, is allocated to budgets,
committed, released and paid — every step one `huitian.ledger.post()` movement.

Commitments and payments are what purchase projects and contracts will call
(`commit_budget`, `release_commitment`, `pay_from_budget`), with the contract as
the movement's cause.
"""

from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from huitian import ledger
from huitian.access import require
from huitian.ledger import yuan
from huitian.models import Area, LedgerAccount, LedgerEntry, LedgerMovement
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError
from procurement.error_codes import ErrorCode
from procurement.models.funds import SPECIAL_FUND_CODE, SPECIAL_FUND_TOTAL, Budget, FundingSource

K = LedgerAccount.Kind
M = LedgerMovement.Kind
TREASURY = "external:treasury"  # where public money comes from
PAYEES = "external:payees"  # where paid money goes (undertakers, suppliers)

# The plan's funding sources (§12, §13, §16), in the order reports list them.
SOURCES = [
    ("district_finance", "区财政资金", FundingSource.Kind.DISTRICT_FINANCE, None),
    ("street_budget", "街道预算资金", FundingSource.Kind.STREET_BUDGET, None),
    ("welfare_subsidy", "社区公益金", FundingSource.Kind.WELFARE_SUBSIDY, None),
    ("party_service", "党组织服务群众经费", FundingSource.Kind.PARTY_SERVICE, None),
    ("municipal_transfer", "市级转移支付资金", FundingSource.Kind.MUNICIPAL_TRANSFER, None),
    (SPECIAL_FUND_CODE, "回天专项资金", FundingSource.Kind.SPECIAL_FUND, SPECIAL_FUND_TOTAL),
    ("foundation", "基金会专项基金", FundingSource.Kind.FOUNDATION, None),
    ("volunteer_fund", "志愿服务专项基金", FundingSource.Kind.VOLUNTEER_FUND, None),
]


def treasury() -> LedgerAccount:
    return ledger.open_account(code=TREASURY, name=_("Public finance"), kind=K.EXTERNAL)


def payees() -> LedgerAccount:
    return ledger.open_account(code=PAYEES, name=_("Payees"), kind=K.EXTERNAL)


def ensure_funding_sources() -> list[FundingSource]:
    """The plan's sources, each with its ledger account (idempotent)."""
    district = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
    found = []
    for order, (code, name, kind, total) in enumerate(SOURCES):
        source = FundingSource.objects.filter(code=code).first()
        if source is None:
            account = ledger.open_account(
                code=f"source:{code}", name=name, kind=K.SOURCE, area=district
            )
            try:
                with transaction.atomic():
                    source = FundingSource.objects.create(
                        code=code,
                        name=name,
                        kind=kind,
                        plan_total=total,
                        account=account,
                        sort_order=order,
                    )
            except IntegrityError:  # created meanwhile by another request
                source = FundingSource.objects.get(code=code)
        found.append(source)
    return found


def special_fund() -> FundingSource:
    ensure_funding_sources()
    return FundingSource.objects.select_related("account").get(code=SPECIAL_FUND_CODE)


def received_by(source: FundingSource) -> Decimal:
    """What the source has received from outside, net of what it gave back."""
    into = LedgerEntry.objects.filter(debit=source.account, credit__kind=K.EXTERNAL)
    out = LedgerEntry.objects.filter(credit=source.account, debit__kind=K.EXTERNAL)
    return (into.aggregate(s=Sum("amount"))["s"] or 0) - (out.aggregate(s=Sum("amount"))["s"] or 0)


def fund_source(*, source_id: int, amount, by, note: str = "") -> LedgerMovement:
    """Money arrives in a source from public finance; never beyond the plan's total."""
    require(by, "procurement.allocate_funds")
    check_lengths(note=(note, ledger.NOTE_MAX_LENGTH))
    amount = ledger.money(amount)
    with transaction.atomic():
        source = (
            FundingSource.objects.select_for_update().select_related("account").get(pk=source_id)
        )
        if not source.is_active:
            raise WorkflowError(ErrorCode.SOURCE_INACTIVE, _("This funding source is closed."))
        if source.plan_total is not None:
            room = source.plan_total - received_by(source)
            if amount > room:
                raise WorkflowError(
                    ErrorCode.PLAN_TOTAL_EXCEEDED,
                    _("%(source)s may receive ¥%(room)s more under the plan's ¥%(total)s.")
                    % {"source": source.name, "room": yuan(room), "total": yuan(source.plan_total)},
                    fields={
                        "amount": [
                            _("¥%(amount)s is more than the ¥%(room)s the plan leaves.")
                            % {"amount": yuan(amount), "room": yuan(room)}
                        ]
                    },
                )
        return ledger.post(
            kind=M.ALLOCATE,
            legs=[ledger.Leg(source.account, treasury(), amount)],
            by=by,
            cause=source,
            note=note,
        )


def _budget(source: FundingSource, area: Area, year: int, by) -> Budget:
    budget = Budget.objects.filter(source=source, area=area, year=year).first()
    if budget is not None:
        return budget
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Year %(year)s is out of range.") % {"year": year}})
    stem = f"budget:{source.code}:{area.code}:{year}"
    label = f"{year} {source.name} · {area.name}"
    accounts = {
        "account": ledger.open_account(code=stem, name=label, kind=K.BUDGET, area=area),
        "services_account": ledger.open_account(
            code=f"{stem}:services",
            name=f"{label} · {_('Purchase of services')}",
            kind=K.COMMITMENT,
            area=area,
        ),
        "other_account": ledger.open_account(
            code=f"{stem}:other",
            name=f"{label} · {_('Other purposes')}",
            kind=K.COMMITMENT,
            area=area,
        ),
    }
    try:
        with transaction.atomic():
            return Budget.objects.create(
                source=source, area=area, year=year, created_by=by, **accounts
            )
    except IntegrityError:
        return Budget.objects.get(source=source, area=area, year=year)


def allocate_budget(*, source_id: int, area: Area, year: int, amount, by, note: str = "") -> Budget:
    """Allocate `amount` of a source to an area's budget for a year (opened on first use)."""
    require(by, "procurement.allocate_funds")
    check_lengths(note=(note, ledger.NOTE_MAX_LENGTH))
    amount = ledger.money(amount)
    source = FundingSource.objects.select_related("account").get(pk=source_id)
    with transaction.atomic():
        budget = _budget(source, area, year, by)
        ledger.post(
            kind=M.ALLOCATE,
            legs=[ledger.Leg(budget.account, source.account, amount)],
            by=by,
            cause=budget,
            note=note,
        )
    return budget


def allocate_special_fund(
    *, year: int, shares: Mapping[Area, object], by, note: str = ""
) -> list[Budget]:
    """Share the Huitian special fund among streets for a year: one movement, all or none."""
    require(by, "procurement.allocate_funds")
    check_lengths(note=(note, ledger.NOTE_MAX_LENGTH))
    if not shares:
        raise ValidationError({"shares": _("Name at least one street and its amount.")})
    amounts = {}
    for street, value in shares.items():
        if street.level != Area.Level.STREET:
            raise WorkflowError(
                ErrorCode.NOT_A_STREET,
                _("%(area)s is not a street or town.") % {"area": street.name},
                fields={"shares": [_("%(area)s is not a street or town.") % {"area": street.name}]},
            )
        amounts[street] = ledger.money(value, field="shares")
    fund = special_fund()
    with transaction.atomic():
        budgets = [_budget(fund, street, year, by) for street in amounts]
        ledger.post(
            kind=M.ALLOCATE,
            legs=[ledger.Leg(b.account, fund.account, amounts[b.area]) for b in budgets],
            by=by,
            cause=fund,
            note=note or _("Special fund allocation %(year)s") % {"year": year},
            field="shares",
        )
    return budgets


def _spend(kind, *, budget_id, amount, purpose, by, cause, note, legs) -> LedgerMovement:
    if purpose not in Budget.Purpose.values:
        raise ValidationError({"purpose": _("Choose a purpose.")})
    check_lengths(note=(note, ledger.NOTE_MAX_LENGTH))
    amount = ledger.money(amount)
    budget = Budget.objects.select_related("account", "services_account", "other_account").get(
        pk=budget_id
    )
    require(by, "procurement.spend_budget", budget)
    return ledger.post(
        kind=kind,
        legs=[legs(budget, budget.commitment_account(purpose), amount)],
        by=by,
        cause=cause or budget,
        note=note,
    )


def commit_budget(
    *, budget_id: int, amount, purpose: str, by, cause=None, note: str = ""
) -> LedgerMovement:
    """Reserve part of a budget (a contract at signing); refused beyond what is available."""
    return _spend(
        M.COMMIT,
        budget_id=budget_id,
        amount=amount,
        purpose=purpose,
        by=by,
        cause=cause,
        note=note,
        legs=lambda b, c, a: ledger.Leg(c, b.account, a),
    )


def release_commitment(
    *, budget_id: int, amount, purpose: str, by, cause=None, note: str = ""
) -> LedgerMovement:
    """Give an unneeded commitment back to the budget (e.g. a withheld final installment)."""
    return _spend(
        M.RELEASE,
        budget_id=budget_id,
        amount=amount,
        purpose=purpose,
        by=by,
        cause=cause,
        note=note,
        legs=lambda b, c, a: ledger.Leg(b.account, c, a),
    )


def pay_from_budget(
    *, budget_id: int, amount, purpose: str, by, cause=None, note: str = ""
) -> LedgerMovement:
    """Pay out of a commitment; refused beyond what is committed and unpaid."""
    return _spend(
        M.PAY,
        budget_id=budget_id,
        amount=amount,
        purpose=purpose,
        by=by,
        cause=cause,
        note=note,
        legs=lambda b, c, a: ledger.Leg(payees(), c, a),
    )
