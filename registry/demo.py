"""Registry demo data: organizations of every legal form and in every status, and
applications/filings in every workflow state. Idempotent (natural keys)."""

import datetime

from django.utils import timezone

from huitian.models import Area, Category, Role
from huitian.services import assign_role
from huitian.workdays import WorkingCalendar
from huitian.workflow import record_creation
from registry.models import (
    AnnualReport,
    Filing,
    InspectionYear,
    Organization,
    RegistrationApplication,
)

Org = Organization
# name, uscc, legal form, level, area code, status, categories, party organization
ORGANIZATIONS = [
    (
        "回龙观社区志愿服务协会",
        "51110114MJ0000001L",
        "social_group",
        "district",
        "110114011",
        "active",
        ["governance", "social_mobilization"],
        "independent",
    ),
    (
        "回天社会工作服务中心",
        "52110114MJ0000002E",
        "social_service",
        "district",
        "110114011",
        "active",
        ["social_work", "counselling"],
        "joint",
    ),
    (
        "北京回天社区公益基金会",
        "53110000MJ0000003D",
        "foundation",
        "city",
        "110114011",
        "active",
        ["hardship_relief"],
        "functional",
    ),
    (
        "天通苑乐龄社会企业",
        "91110114MA00000041",
        "social_enterprise",
        "district",
        "110114008",
        "active",
        ["elderly", "elderly_meals"],
        "none",
    ),
    (
        "霍营文体活动促进会",
        "51110114MJ0000005F",
        "social_group",
        "district",
        "110114011",
        "suspended",
        ["culture_sports"],
        "none",
    ),
    (
        "东小口邻里互助中心",
        "52110114MJ00000063",
        "social_service",
        "district",
        "110114008",
        "liquidating",
        ["property"],
        "none",
    ),
    (
        "史各庄环保服务社",
        "52110114MJ00000071",
        "social_service",
        "district",
        "110114008",
        "deregistered",
        ["environment"],
        "none",
    ),
    (
        "回龙观青少年成长中心",
        "52110114MJ0000008X",
        "social_service",
        "district",
        "110114011",
        "merged",
        ["youth"],
        "none",
    ),
]


# Fixed names (not translated labels): the natural keys must not change with the language.
APP_LABELS = {
    "draft": "草稿",
    "submitted": "已提交",
    "returned": "退回补正",
    "accepted": "已受理",
    "approved": "准予登记",
    "rejected": "不予登记",
}
FILING_LABELS = {
    "submitted": "已提交",
    "returned": "社区退回",
    "reviewed": "初审通过",
    "filed": "已备案",
    "refused": "不予备案",
}


def _uscc(seed: str) -> str:
    """A valid code from a 17-character body (the check digit is computed)."""
    from stdnum.cn import uscc

    return seed[:17] + uscc.calc_check_digit(seed[:17])


def seed(*, users: dict, stdout) -> None:
    cats = {c.code: c for c in Category.objects.all()}
    areas = {a.code: a for a in Area.objects.filter(code__startswith="110114")}
    orgs = {}
    for name, code, form, level, area, status, cat_codes, party in ORGANIZATIONS:
        org, created = Org.objects.get_or_create(
            name=name,
            defaults={
                "uscc": _uscc(code),
                "legal_form": form,
                "registration_level": level,
                "home_area": areas[area],
                "status": status,
                "party_organization": party,
                "party_member_count": 5 if party != "none" else 0,
                "party_instructor": "王建国" if party != "none" else "",
                "five_party_participation": party == "independent",
                "contact_name": "李老师",
                "contact_phone": "13800138000",
                "legal_representative": "张明",
                "founded_on": datetime.date(2018, 5, 1),
                "staff_count": 6,
                "volunteer_count": 40,
                "introduced_from": "city" if form == "foundation" else "",
                "office_space": "回龙观街道社会组织孵化基地 2 层 30㎡"
                if form == "foundation"
                else "",
            },
        )
        if created:
            org.categories.set([cats[c] for c in cat_codes if c in cats])
            org.service_areas.set([areas[area]])
            record_creation(org, by=None, state=org.status, step="demo")
        orgs[name] = org
    se = orgs["天通苑乐龄社会企业"]
    if not se.certificate_number:
        se.certificate_number = "HTSE-2026-001"
        se.certified_until = timezone.localdate() + datetime.timedelta(days=700)
        se.alliance_member = True
        se.save()
    merged = orgs["回龙观青少年成长中心"]
    if merged.merged_into_id is None:
        merged.merged_into = orgs["回天社会工作服务中心"]
        merged.save(update_fields=["merged_into"])

    # The demo organization member works for the social-service centre.
    main = orgs["回天社会工作服务中心"]
    assign_role(user=users[Role.ORG_MEMBER], role=Role.ORG_MEMBER, organization=main)
    year = timezone.localdate().year - 1
    InspectionYear.objects.get_or_create(
        year=year, defaults={"deadline": datetime.date(year + 1, 5, 31)}
    )
    AnnualReport.objects.get_or_create(
        organization=orgs["回龙观社区志愿服务协会"],
        year=year,
        defaults={
            "summary": "全年组织志愿服务 120 场。",
            "income": "150000.00",
            "expenditure": "132000.50",
            "conclusion": "pass",
            "concluded_at": timezone.now(),
        },
    )

    # Applications in every state, and filings in every state.
    community = areas["110114011001"]
    street = areas["110114011"]
    cal = WorkingCalendar()
    today = timezone.localdate()
    for state in RegistrationApplication.State.values:
        app, created = RegistrationApplication.objects.get_or_create(
            name=f"回天示范服务中心（{APP_LABELS[state]}）",
            defaults={
                "state": state,
                "applicant": users[Role.RESIDENT],
                "legal_form": "social_service",
                "registration_level": "district",
                "home_area": street,
                "legal_representative": "赵强",
                "contact_name": "赵强",
                "contact_phone": "13911112222",
                "purpose": "为社区老人提供助餐和探访服务。",
                "missing_items": ["章程草案"] if state == "returned" else [],
                "accepted_on": today if state in ("accepted", "approved", "rejected") else None,
                "decision_due": cal.add_working_days(today, 10) if state == "accepted" else None,
                "submitted_at": timezone.now() if state != "draft" else None,
                "decision_note": "名称与已登记组织重复" if state == "rejected" else "",
            },
        )
        if created:
            app.categories.set([cats["elderly"]])
            record_creation(app, by=None, state=state, step="demo")
    for state in Filing.State.values:
        filing, created = Filing.objects.get_or_create(
            name=f"龙跃苑广场舞队（{FILING_LABELS[state]}）",
            defaults={
                "state": state,
                "applicant": users[Role.RESIDENT],
                "community": community,
                "leader_name": "孙丽",
                "contact_phone": "13622223333",
                "member_count": 25,
                "activities": "每周三次广场舞活动。",
                "submitted_at": timezone.now(),
                "review_note": "成员名单不全" if state in ("returned", "refused") else "",
            },
        )
        if created:
            filing.categories.set([cats["dance"]])
            record_creation(filing, by=None, state=state, step="demo")
            if state == "filed":
                org = Org.objects.create(
                    name="龙跃苑广场舞队",
                    legal_form=Org.LegalForm.COMMUNITY_GROUP,
                    registration_level=Org.RegistrationLevel.FILED,
                    home_area=community,
                    filing_number=f"HTBA-{street.code}-{today.year}-0001",
                    contact_name="孙丽",
                    contact_phone="13622223333",
                )
                org.categories.set([cats["dance"]])
                org.service_areas.set([community])
                filing.organization = org
                filing.filed_at = timezone.now()
                filing.save(update_fields=["organization", "filed_at"])
    _seed_exit_and_services(
        orgs, users, filed_group=Org.objects.filter(name="龙跃苑广场舞队").first()
    )
    stdout.write(f"registry: {Org.objects.count()} organizations")


def _seed_exit_and_services(orgs, users, *, filed_group) -> None:
    from decimal import Decimal

    from registry.models import (
        AgencyRecord,
        Certification,
        CertificationBatch,
        Deregistration,
        Interview,
        LiquidationAsset,
    )

    today = timezone.localdate()
    batch, _ = CertificationBatch.objects.get_or_create(year=today.year)
    Certification.objects.get_or_create(
        batch=batch,
        organization=orgs["天通苑乐龄社会企业"],
        defaults={
            "field": "elderly",
            "description": "社区老年餐桌，利润主要用于社区服务。",
            "state": "certified",
            "certificate_number": "HTSE-2026-001",
            "valid_until": orgs["天通苑乐龄社会企业"].certified_until,
        },
    )
    if filed_group is not None:
        AgencyRecord.objects.get_or_create(
            organization=filed_group,
            kind="custody",
            title="活动经费代管协议",
            defaults={"date": today, "amount": Decimal("5000.00"), "counterparty": "回龙观街道"},
        )
        AgencyRecord.objects.get_or_create(
            organization=filed_group,
            kind="training",
            title="社区社会组织负责人培训",
            defaults={"date": today},
        )
    Interview.objects.get_or_create(
        organization=orgs["霍营文体活动促进会"],
        reason="no_inspection",
        held_on=datetime.date(today.year, 3, 15),
        defaults={
            "outcome": "限期一个月补交年度报告",
            "follow_up_on": datetime.date(today.year, 4, 15),
        },
    )
    liquidating, _ = Deregistration.objects.get_or_create(
        organization=orgs["东小口邻里互助中心"],
        defaults={"kind": "dissolution", "reason": "理事会决议解散", "state": "liquidating"},
    )
    LiquidationAsset.objects.get_or_create(
        deregistration=liquidating,
        description="办公电脑 3 台",
        defaults={"value": Decimal("6000.00")},
    )
    LiquidationAsset.objects.get_or_create(
        deregistration=liquidating,
        description="银行存款",
        defaults={
            "value": Decimal("12000.50"),
            "disposal": "transferred",
            "disposed_value": Decimal("12000.50"),
            "recipient": "回天社会工作服务中心",
        },
    )
    Deregistration.objects.get_or_create(
        organization=orgs["史各庄环保服务社"],
        defaults={"kind": "dissolution", "reason": "业务终止", "state": "deregistered"},
    )
    Deregistration.objects.get_or_create(
        organization=orgs["回龙观青少年成长中心"],
        defaults={
            "kind": "merger",
            "reason": "并入回天社会工作服务中心",
            "state": "deregistered",
            "surviving_organization": orgs["回天社会工作服务中心"],
        },
    )
