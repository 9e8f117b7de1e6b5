"""Demo of supervision and evaluation (issue 9, item 6): four contracts of 回龙观街道
in service, supervised, evaluated at four grades — excellent (a major project, by a
third-party evaluator, paid in full and settled), good (95 % paid, the rest released),
passed (80 %), failed (the final installment withheld, a corrective action open) —
and a spot check of the street drawn with a recorded seed.

Run by `procurement.demo` after `demo_projects`. Every contract comes through the
services (project → pre-review → open → apply → close → award → sign → countersign →
start → milestone reports accepted → non-final installments paid).
Idempotent: it does nothing once its spot check exists.
"""

import datetime

from django.utils import timezone

from huitian.models import Area, Role
from procurement.demo_projects import STANDARD, _close, _member
from procurement.models import Budget, FundingSource, SpotCheck
from procurement.services import contracts, evaluation, funds, projects, spot_checks
from registry.models import Organization

STREET = "110114011"  # 回龙观街道
LABEL = "演示 年度抽查"
SEED = 20260101
# title, yearly amount, (quantity, quality), survey ratings, visit findings
CASES = [
    (
        "回龙观社区居家养老综合服务",
        "600000",
        ("96", "94"),
        (5, 5, 5, 4, 5),
        "服务台账完整，入户记录可查",
    ),
    ("青少年课后托管服务", "120000", ("90", "88"), (4, 4, 5, 4), "托管人数与合同一致"),
    ("社区心理健康咨询服务", "80000", ("80", "75"), (3, 3, 4, 3), "咨询记录部分缺失"),
    ("老旧小区环境整治志愿服务", "60000", ("50", "55"), (2, 2, 3), "多次未按计划开展活动"),
]


def seed(*, users: dict, stdout) -> None:
    street = Area.objects.filter(code=STREET).first()
    district = users.get(Role.DISTRICT_ADMIN)
    if street is None or district is None or SpotCheck.objects.filter(label=LABEL).exists():
        return
    staff = users.get(Role.STREET_STAFF) or district
    evaluator = users.get(Role.EVALUATOR)
    if evaluator is None:
        return
    orgs = [
        o
        for o in Organization.objects.filter(uscc__isnull=False).order_by("pk")[:40]
        if not projects.eligibility_problems(o)
    ][: len(CASES)]
    if len(orgs) < len(CASES):
        return
    budget = _budget(street, district)
    today = timezone.localdate()
    for (title, amount, (quantity, quality), ratings, findings), org in zip(
        CASES, orgs, strict=True
    ):
        contract = _in_service(org, street, budget, staff, evaluator, title, amount)
        period = contract.periods.get(index=1)
        visit = evaluation.record_visit(
            contract_id=contract.pk,
            visited_on=today - datetime.timedelta(days=20),
            findings=findings,
            visitor=evaluator,
            by=staff,
        )
        action = evaluation.open_corrective_action(
            visit_id=visit.pk,
            description="按督导意见补齐服务记录",
            due=today + datetime.timedelta(days=10),
            by=staff,
        )
        evaluation.close_corrective_action(action_id=action.pk, note="已整改，复查通过", by=staff)
        for rating in ratings:
            evaluation.record_survey_response(period_id=period.pk, rating=rating, by=staff)
        third_party = evaluator is not None and title == CASES[0][0]
        evaluation.evaluate_period(
            period_id=period.pk,
            quantity_score=quantity,
            quality_score=quality,
            evaluator_kind="third_party" if third_party else "purchaser",
            evaluator=evaluator if third_party else None,
            by=staff,
        )
        evaluation.pay_final_installment(period_id=period.pk, by=staff)
        if title == CASES[0][0]:
            evaluation.settle_period(period_id=period.pk, by=staff)
        if title == CASES[-1][0]:  # failed: withheld, a new correction asked for
            again = evaluation.record_visit(
                contract_id=contract.pk, visited_on=today, findings="评价不合格后复查", by=staff
            )
            evaluation.open_corrective_action(
                visit_id=again.pk,
                description="制定整改计划，每周开展一次活动",
                due=today + datetime.timedelta(days=30),
                by=staff,
            )
    spot_checks.draw_spot_check(area=street, label=LABEL, sample_size=2, seed=SEED, by=staff)
    stdout.write(
        "procurement: supervision visits, evaluations at four grades (one final installment "
        "withheld) and a spot check"
    )


def _in_service(org, street, budget, staff, evaluator, title, amount):
    """A one-year contract of `org` in service, its non-final installments paid."""
    member = _member(org, f"demo_eval_member_{org.pk}", f"{org.name[:20]}联系人")
    year = timezone.localdate().year
    project = projects.create_project(
        by=staff,
        area=street,
        budget=budget,
        budget_amount=amount,
        evaluator=evaluator,
        years=1,
        title=title,
        purchaser_name=f"{street.name}办事处",
        service_standard=STANDARD,
        quantity=120,
        unit="户",
        duration_months=12,
    )
    projects.submit_for_review(project, by=staff)
    projects.pre_review(project, by=evaluator, decision="pass", opinion="需求真实，预算合理。")
    projects.open_for_applications(project, by=staff, working_days=10)
    application = projects.apply(
        project,
        organization=org,
        by=member,
        proposal="组建专职社工团队，按月制定服务计划，建立服务台账。",
        quoted_amount=amount,
    )
    _close(project, staff)
    projects.award(project, application=application, by=staff, reason="方案可行，报价合理。")
    plan = contracts.PeriodPlan(
        amount=amount,
        start_date=datetime.date(year, 1, 1),
        end_date=datetime.date(year, 12, 31),
    )
    contract = contracts.draft_contract(project, by=staff, periods=[plan])
    contracts.sign_as_organization(contract, by=member, no_subcontracting=True)
    contracts.countersign(contract, by=staff)
    contracts.start_service(contract, by=staff)
    for installment in contract.periods.get(index=1).installments.filter(is_final=False):
        report = contracts.submit_milestone_report(
            installment, by=member, text=f"第{installment.order}阶段服务完成，台账齐全。"
        )
        contracts.accept_milestone_report(report, by=staff)
        installment.refresh_from_db()
        contracts.pay_installment(installment, by=staff)
    return contract


def _budget(street: Area, district) -> Budget:
    """The street's district-finance budget of this year (opened and funded if missing)."""
    year = timezone.localdate().year
    funds.ensure_funding_sources()
    source = FundingSource.objects.get(code="district_finance")
    budget = Budget.objects.filter(source=source, area=street, year=year).first()
    if budget is None or budget.account.balance < 1000000:
        funds.fund_source(source_id=source.pk, amount="1000000", by=district)
        budget = funds.allocate_budget(
            source_id=source.pk, area=street, year=year, amount="1000000", by=district
        )
    return budget
