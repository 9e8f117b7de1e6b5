"""STAND-IN, TO BE REWIRED AT MERGE: a purchase project already contracted and in
service, written through the ORM because `procurement.services.projects` and
`procurement.services.contracts` (branch h-proj) did not exist when item 6/7 was built.

Used by item 6/7's tests (tests/procurement/) and `procurement.demo_evaluation`. At
merge, `contract_in_service` becomes: create_project → submit → pass pre-review → open
→ apply → close → award → sign (org + purchaser, commits year 1) → start → accept
milestones → pay the non-final installments, each through h-proj's services. The money
already moves through `procurement.services.funds` (commit and pay), as the real
services do, so balances are real.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from huitian.models import Area
from procurement.models import (
    Award,
    Budget,
    Contract,
    ContractPeriod,
    Installment,
    ProjectApplication,
    PurchaseProject,
)
from procurement.services import funds

SPLIT = (Decimal(30), Decimal(40), Decimal(30))  # installments of a year, the last final


def funded_budget(*, area: Area, amount, by, year: int | None = None) -> Budget:
    """A special-fund budget of `area` holding `amount` (the district funds it)."""
    year = year or timezone.localdate().year
    fund = funds.special_fund()
    funds.fund_source(source_id=fund.pk, amount=amount, by=by)
    return funds.allocate_budget(source_id=fund.pk, area=area, year=year, amount=amount, by=by)


def contract_in_service(
    *,
    organization,
    area: Area,
    budget: Budget,
    amount,
    purchaser,
    title: str = "老年人助餐服务",
    evaluator=None,
    years: int = 1,
    pay_non_final: bool = True,
    number: str | None = None,
) -> Contract:
    """An awarded, signed, started contract with year 1 committed (30/40/30), the
    non-final installments paid when `pay_non_final`. Through the ORM: see the module."""
    amount = Decimal(str(amount))
    today = timezone.localdate()
    with transaction.atomic():
        project = PurchaseProject.objects.create(
            title=title,
            area=area,
            purchaser_name=f"{area.name}办事处",
            budget_amount=amount * years,
            budget=budget,
            service_standard="每周五天为辖区高龄老人送餐，餐食符合营养标准。",
            quantity=200,
            unit="人",
            duration_months=12,
            years=years,
            evaluator=evaluator,
            state=PurchaseProject.State.IN_SERVICE,
            opened_at=timezone.now() - datetime.timedelta(days=60),
            application_deadline=today - datetime.timedelta(days=45),
            created_by=purchaser,
        )
        application = ProjectApplication.objects.create(
            project=project,
            organization=organization,
            proposal="配餐中心统一制作，志愿者协助送达。",
            quoted_amount=amount * years,
            state=ProjectApplication.State.AWARDED,
            submitted_by=purchaser,
        )
        Award.objects.create(
            project=project, application=application, reason="综合得分最高", awarded_by=purchaser
        )
        contract = Contract.objects.create(
            project=project,
            application=application,
            organization=organization,
            number=number or f"HT-{today:%Y}-{project.pk:05d}",
            amount=amount * years,
            start_date=today - datetime.timedelta(days=30),
            end_date=today + datetime.timedelta(days=365 * years - 30),
            no_subcontracting_declared=True,
            org_signed_at=timezone.now(),
            signed_by=purchaser,
            signed_at=timezone.now(),
            state=Contract.State.IN_SERVICE,
        )
        for index in range(1, years + 1):
            start = contract.start_date + datetime.timedelta(days=365 * (index - 1))
            period = ContractPeriod.objects.create(
                contract=contract,
                index=index,
                start_date=start,
                end_date=start + datetime.timedelta(days=364),
                amount=amount,
            )
            for order, percent in enumerate(SPLIT, start=1):
                Installment.objects.create(
                    period=period,
                    order=order,
                    percent=percent,
                    amount=(amount * percent / 100).quantize(Decimal("0.01")),
                    milestone=["启动", "中期", "终期评价"][order - 1],
                    is_final=order == len(SPLIT),
                )
        first = contract.periods.get(index=1)
        commit_period(first, by=purchaser)
        if pay_non_final:
            pay_non_final_installments(first, by=purchaser)
    return contract


def commit_period(period: ContractPeriod, *, by) -> ContractPeriod:
    """Stand-in for the contracts service committing a year's amount."""
    budget = period.contract.project.budget
    period.committed_movement = funds.commit_budget(
        budget_id=budget.pk,
        amount=period.amount,
        purpose=Budget.Purpose.SERVICES,
        by=by,
        cause=period,
    )
    period.budget = budget
    period.committed_at = timezone.now()
    period.state = ContractPeriod.State.COMMITTED
    period.save()
    return period


def pay_non_final_installments(period: ContractPeriod, *, by) -> None:
    """Stand-in for accepting the milestones and paying the non-final installments."""
    for installment in period.installments.filter(is_final=False).order_by("order"):
        installment.paid_movement = funds.pay_from_budget(
            budget_id=period.budget_id,
            amount=installment.amount,
            purpose=Budget.Purpose.SERVICES,
            by=by,
            cause=installment,
        )
        installment.paid_amount = installment.amount
        installment.paid_at = timezone.now()
        installment.state = Installment.State.PAID
        installment.save()
