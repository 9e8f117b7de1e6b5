"""Demo money: the plan's sources funded, the special fund shared among the seven
streets, budgets committed, paid, released and one allocation reversed; a community
fund of the foundation with donations and disbursements in every state.
Idempotent: each part runs once (it looks for what it made)."""

import datetime

from django.utils import timezone

from huitian import ledger
from huitian.models import Area, Role
from procurement.models import Budget, FoundationFund, FundingSource, PurchaseItem
from procurement.services import foundation, funds

HOME = "110114011001"  # the demo community (回龙观街道)
STREET_SHARES = {  # the special fund's yearly tranche, by street code (yuan)
    "110114011": "2000000",  # 回龙观街道
    "110114008": "1500000",  # 天通苑北街道
    "110114009": "1200000",  # 天通苑南街道
    "110114010": "1000000",  # 霍营街道
    "110114012": "900000",  # 龙泽园街道
    "110114013": "800000",  # 史各庄街道
    "110114007": "600000",  # 东小口地区
}


def seed(*, users: dict, stdout) -> None:
    district = users[Role.DISTRICT_ADMIN]
    funds.ensure_funding_sources()
    if not Budget.objects.exists():
        _funds(district, users.get(Role.STREET_STAFF) or district)
        stdout.write("procurement: funds, budgets and the special fund's allocation")
    home = Area.objects.filter(code=HOME).first()
    if home is not None and not FoundationFund.objects.filter(community=home).exists():
        _foundation(district, users.get(Role.COMMUNITY_STAFF) or district, home)
        stdout.write("procurement: a community fund with donations and disbursements")


def _funds(district, street_staff) -> None:
    year = timezone.localdate().year
    sources = {s.code: s for s in FundingSource.objects.all()}
    for code, amount in [
        ("huitian_special", "40000000"),
        ("district_finance", "12000000"),
        ("welfare_subsidy", "1500000"),
        ("party_service", "800000"),
        ("municipal_transfer", "3000000"),
        ("volunteer_fund", "500000"),
    ]:
        funds.fund_source(source_id=sources[code].pk, amount=amount, by=district)
    streets = {a.code: a for a in Area.objects.filter(code__in=STREET_SHARES)}
    shares = {streets[c]: v for c, v in STREET_SHARES.items() if c in streets}
    if shares:
        funds.allocate_special_fund(year=year, shares=shares, by=district)
    home_street = streets.get("110114011")
    home = Area.objects.filter(code=HOME).first()
    if home_street is None or home is None:
        return
    for code, area, amount in [
        ("district_finance", home_street, "3000000"),
        ("welfare_subsidy", home, "200000"),
        ("party_service", home, "60000"),
        ("volunteer_fund", home_street, "100000"),
    ]:
        funds.allocate_budget(
            source_id=sources[code].pk, area=area, year=year, amount=amount, by=district
        )
    special = Budget.objects.get(source=sources["huitian_special"], area=home_street, year=year)
    item = PurchaseItem.objects.first()
    funds.commit_budget(
        budget_id=special.pk,
        amount="1200000",
        purpose=Budget.Purpose.SERVICES,
        by=street_staff,
        cause=item,
        note="社区养老助餐服务项目",
    )
    funds.commit_budget(
        budget_id=special.pk, amount="150000", purpose=Budget.Purpose.OTHER, by=street_staff
    )
    funds.pay_from_budget(
        budget_id=special.pk,
        amount="360000",
        purpose=Budget.Purpose.SERVICES,
        by=street_staff,
        note="首期款 30%",
    )
    funds.release_commitment(
        budget_id=special.pk,
        amount="50000",
        purpose=Budget.Purpose.OTHER,
        by=street_staff,
        note="活动结余退回",
    )
    welfare = Budget.objects.get(source=sources["welfare_subsidy"], area=home, year=year)
    wrong = funds.commit_budget(
        budget_id=welfare.pk,
        amount="30000",
        purpose=Budget.Purpose.SERVICES,
        by=district,
        note="录入错误的承诺",
    )
    ledger.reverse(movement_id=wrong.pk, by=district, reason="金额录错，冲正后重新录入")
    funds.commit_budget(
        budget_id=welfare.pk, amount="3000", purpose=Budget.Purpose.SERVICES, by=district
    )


def _foundation(district, manager, home) -> None:
    fund = foundation.open_foundation_fund(
        community=home,
        rules="用于本社区助老、助残和青少年公益服务；单笔拨付须经基金管理人批准。",
        managers=[manager],
        by=district,
    )
    today = timezone.localdate()
    for kind, name, amount, anonymous, days in [
        ("company", "北京回龙观物业服务有限公司", "50000", False, 60),
        ("merchant", "龙泽苑便民超市", "3000", False, 40),
        ("resident", "社区居民", "500", True, 20),
        ("company", "某科技公司", "20000", True, 10),
    ]:
        foundation.record_donation(
            fund_id=fund.pk,
            donor_kind=kind,
            donor_name=name,
            amount=amount,
            anonymous=anonymous,
            donated_on=today - datetime.timedelta(days=days),
            by=manager,
        )
    paid = foundation.request_disbursement(
        fund_id=fund.pk,
        amount="12000",
        purpose="重阳节高龄老人慰问",
        beneficiary="社区居委会",
        by=manager,
    )
    foundation.approve_disbursement(disbursement_id=paid.pk, by=manager)
    foundation.pay_disbursement(disbursement_id=paid.pk, by=manager)
    approved = foundation.request_disbursement(
        fund_id=fund.pk,
        amount="8000",
        purpose="青少年暑期课堂",
        beneficiary="社区青少年服务站",
        by=manager,
    )
    foundation.approve_disbursement(disbursement_id=approved.pk, by=manager)
    foundation.request_disbursement(
        fund_id=fund.pk,
        amount="5000",
        purpose="残疾人康复器材",
        beneficiary="社区康复站",
        by=manager,
    )
    rejected = foundation.request_disbursement(
        fund_id=fund.pk,
        amount="2000",
        purpose="物业公司办公用品",
        beneficiary="物业公司",
        by=manager,
    )
    foundation.reject_disbursement(
        disbursement_id=rejected.pk, by=manager, note="不属于本基金使用范围"
    )
