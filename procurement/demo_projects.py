"""Demo purchase projects and contracts (P8), all through the services: projects in
draft, pre-review, open (with a joint application by the street federation), under
review (reviewers, a declared conflict, scores), awarded, contracted and in service; a
three-year continuous purchase in its second year.

Everything is a service call, so every state here is one the workflow reaches: the
three-year contract's first year is supervised (a major project), surveyed, evaluated by
the third-party evaluator, its final installment paid by the score and the year settled
before the second year is committed. Idempotent: it runs once (it looks for the demo's
three-year project).
"""

import datetime

from django.utils import timezone

from huitian.models import Area, Role, User
from huitian.services import assign_role
from procurement.models import Budget, FundingSource, PurchaseProject
from procurement.services import contracts, evaluation, funds, projects
from registry.models import Organization

STREET = "110114011"  # 回龙观街道
MARK = "回天社区养老服务驿站运营（三年）"
STANDARD = (
    "按《昌平区政府购买社会组织服务项目管理办法》执行：服务对象台账完整，"
    "每月服务记录可查，季度满意度不低于90%。"
)


def seed(*, users: dict, stdout) -> None:
    if PurchaseProject.objects.filter(title=MARK).exists():
        return
    street = Area.objects.filter(code=STREET).first()
    district = users.get(Role.DISTRICT_ADMIN)
    staff = users.get(Role.STREET_STAFF)
    evaluator = users.get(Role.EVALUATOR)
    member = users.get(Role.ORG_MEMBER)
    if None in (street, district, staff, evaluator, member):
        stdout.write("procurement: no street or demo users; purchase projects skipped")
        return
    year = timezone.localdate().year
    source = FundingSource.objects.get(code="district_finance")
    budget = Budget.objects.filter(source=source, area=street, year=year).first()
    if budget is None:
        stdout.write("procurement: no district-finance budget for the street; skipped")
        return
    # Next year's budget for the continuous purchase's second year.
    funds.allocate_budget(
        source_id=source.pk, area=street, year=year + 1, amount="600000", by=district
    )
    main = Organization.objects.filter(member_assignments__user=member).first()
    others = [
        o
        for o in Organization.objects.exclude(pk=getattr(main, "pk", None))
        .filter(registration_level__in=["city", "district"])
        .order_by("pk")
        if not projects.eligibility_problems(o)
    ]
    if main is None or projects.eligibility_problems(main) or not others:
        stdout.write("procurement: no eligible demo organizations; purchase projects skipped")
        return
    rival = others[0]
    rival_member = _member(rival, "demo_org_rival", "竞争机构联系人")

    def draft(title, amount, **kw):
        kw.setdefault("quantity", 120)
        kw.setdefault("unit", "户")
        kw.setdefault("duration_months", 12)
        return projects.create_project(
            by=staff,
            area=street,
            purchaser_name="回龙观街道办事处",
            title=title,
            budget=budget,
            budget_amount=amount,
            service_standard=STANDARD,
            evaluator=evaluator,
            **kw,
        )

    def opened(title, amount, **kw):
        project = draft(title, amount, **kw)
        projects.submit_for_review(project, by=staff)
        projects.pre_review(
            project,
            by=evaluator,
            decision="pass",
            opinion="需求真实，预算测算合理，服务标准可考核。",
        )
        projects.open_for_applications(project, by=staff, working_days=10)
        return project

    def reviewed(title, amount, **kw):
        project = opened(title, amount, **kw)
        application = projects.apply(
            project,
            organization=main,
            by=member,
            proposal="组建专职社工团队，按月制定服务计划，建立服务台账。",
            quoted_amount=amount,
        )
        projects.apply(
            project,
            organization=rival,
            by=rival_member,
            proposal="依托志愿者队伍开展服务，配备督导。",
            quoted_amount=amount,
        )
        _close(project, staff)
        assignment_reviewer = evaluator
        projects.assign_reviewer(project, reviewer=assignment_reviewer, by=staff)
        projects.declare_conflict(application, by=evaluator, has_conflict=False)
        projects.score_application(
            application,
            by=evaluator,
            scores={"plan": 36, "capacity": 22, "experience": 17, "price": 13},
            comment="方案具体，团队稳定。",
        )
        return project, application

    def awarded(title, amount, **kw):
        project, application = reviewed(title, amount, **kw)
        projects.award(
            project, application=application, by=staff, reason="综合评分最高，方案可行。"
        )
        return project

    def signed(title, amount, years=1, **kw):
        project = awarded(title, amount, years=years, **kw)
        each = (project.budget_amount / years).quantize(project.budget_amount)
        plans = [
            contracts.PeriodPlan(
                amount=each,
                start_date=datetime.date(year + i, 1, 1),
                end_date=datetime.date(year + i, 12, 31),
            )
            for i in range(years)
        ]
        contract = contracts.draft_contract(project, by=staff, periods=plans)
        contracts.sign_as_organization(contract, by=member, no_subcontracting=True)
        contracts.countersign(contract, by=staff)
        return contract

    draft("社区心理健康服务", "80000")
    pre = draft("青少年课后托管服务", "150000")
    projects.submit_for_review(pre, by=staff)
    open_project = opened("垃圾分类指导服务", "60000")
    group = Organization.objects.filter(name="龙跃苑广场舞队", registration_level="filed").first()
    federation = users.get(Role.FEDERATION_STAFF)
    if (
        group is not None
        and federation is not None
        and not projects.eligibility_problems(group, open_project, joint=True)
    ):
        projects.apply(
            open_project,
            organization=group,
            by=federation,
            joint=True,
            proposal="广场舞队队员担任楼门垃圾分类宣传员，联合会代签。",
            quoted_amount="20000",
        )
    reviewed("居家养老助浴服务", "120000")
    awarded("社区纠纷调解服务", "90000")
    signed("社区绿化养护服务", "70000")

    # In service: the first installment paid, the second one's report waiting.
    meals = signed("老年餐桌助餐服务", "200000")
    contracts.start_service(meals, by=staff)
    first, second, _final = meals.periods.get(index=1).installments.all()
    report = contracts.submit_milestone_report(
        first, by=member, text="完成团队组建，服务老人120户。"
    )
    contracts.accept_milestone_report(report, by=staff, note="台账齐全")
    first.refresh_from_db()
    contracts.pay_installment(first, by=staff)
    contracts.submit_milestone_report(second, by=member, text="中期服务完成，满意度95%。")
    contracts.add_subcontractor(
        meals, by=member, name="北京某印刷有限公司", work="宣传册印制", is_core_service=False
    )

    # A three-year continuous purchase in its second year.
    station = signed(MARK, "540000", years=3)
    contracts.start_service(station, by=staff)
    period = station.periods.get(index=1)
    for installment in list(period.installments.all())[:2]:
        report = contracts.submit_milestone_report(
            installment, by=member, text=f"第{installment.order}阶段服务完成。"
        )
        contracts.accept_milestone_report(report, by=staff)
        installment.refresh_from_db()
        contracts.pay_installment(installment, by=staff)
    _first_year_settled(period, staff=staff, evaluator=evaluator)
    contracts.open_next_period(station, by=staff)
    stdout.write(f"procurement: {PurchaseProject.objects.count()} purchase projects")


def _first_year_settled(period, *, staff, evaluator):
    """Year 1 of the continuous purchase through the evaluation services: a supervision
    visit (the project is major), residents' survey answers, the third-party evaluation
    (passed), the final installment paid by the score, the year settled."""
    today = timezone.localdate()
    evaluation.record_visit(
        contract_id=period.contract_id,
        visited_on=today - datetime.timedelta(days=30),
        findings="驿站运营规范，助餐、助浴服务台账完整。",
        visitor=evaluator,
        by=staff,
    )
    for rating, comment in ((5, "送餐准时"), (5, ""), (4, "希望增加助浴次数"), (5, "")):
        evaluation.record_survey_response(
            period_id=period.pk, rating=rating, comment=comment, by=staff
        )
    evaluation.evaluate_period(
        period_id=period.pk,
        quantity_score="92",
        quality_score="90",
        evaluator_kind="third_party",
        evaluator=evaluator,
        opinion="服务量达标，服务质量符合标准，居民满意度高。",
        by=staff,
    )
    evaluation.pay_final_installment(period_id=period.pk, by=staff)
    evaluation.settle_period(period_id=period.pk, by=staff)


def _close(project, staff):
    """Close applications as if the deadline had passed (the demo does not wait)."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PurchaseProject.objects.filter(pk=project.pk).update(application_deadline=yesterday)
    project.application_deadline = yesterday
    projects.close_applications(project, by=staff)


def _member(organization, username, name) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"last_name": name, "email": f"{username}@demo.huitian.example.cn"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    assign_role(user=user, role=Role.ORG_MEMBER, organization=organization)
    return user
