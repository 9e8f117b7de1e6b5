"""Procurement's records; organizations come from the registry's one factory."""

import datetime

import factory
from django.utils import timezone

from huitian.models import Area, Category
from procurement.models import Need, Offer
from tests.registry.factories import OrganizationFactory


def community(code="110114011001"):
    return Area.objects.get(code=code)


def category(code="elderly_meals"):
    return Category.objects.get(code=code)


def web_need(title, text=None, *, code="110114011001", cat="property_management", **kw):
    """A need a resident submits on the web form, through the service (with a phone number)."""
    from procurement.services.needs import submit_need

    kw.setdefault("channel", Need.Channel.WEB_FORM)
    if not kw.get("anonymous"):
        kw.setdefault("contact_phone", "13812345678")
    return submit_need(
        community=community(code),
        category=category(cat),
        title=title,
        text=text or title,
        **kw,
    )


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    channel = Need.Channel.WEB_FORM
    community = factory.LazyFunction(community)
    category = factory.LazyFunction(category)
    title = factory.Sequence(lambda n: f"老年餐桌午餐供应不足{n}")
    text = "小区老年餐桌中午饭菜经常不够，很多老人吃不上午饭"
    contact_name = "王秀英"
    contact_phone = "13812345678"
    response_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=1))
    resolution_due = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=20)
    )


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    category = factory.LazyFunction(category)
    title = "老年餐桌送餐服务"
    description = "为社区高龄老人提供午餐配送"
    capacity_per_month = 20
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create:
            obj.areas.set(extracted or [community()])


__all__ = [
    "NeedFactory",
    "OfferFactory",
    "OrganizationFactory",
    "category",
    "community",
    "web_need",
]


# Purchase projects and contracts (P8).

PROJECT_YEAR = 2026


def funded_budget(by, area, *, year=PROJECT_YEAR, amount="2000000"):
    """A street's special-fund budget for a year with `amount` allocated to it."""
    from procurement.services import funds

    special = funds.special_fund()
    room = (special.plan_total or 0) - funds.received_by(special)
    if room >= funds.ledger.money(amount):
        funds.fund_source(source_id=special.pk, amount=amount, by=by)
    return funds.allocate_budget(source_id=special.pk, area=area, year=year, amount=amount, by=by)


def member_of(organization, username=None):
    from huitian.models import Role
    from tests.conftest import make_user

    return make_user(
        username or f"member_{organization.pk}", Role.ORG_MEMBER, organization=organization
    )


def filed_group(**kw):
    from registry.models import Organization

    kw.setdefault("name", "回龙观社区合唱队")
    return OrganizationFactory(
        registration_level=Organization.RegistrationLevel.FILED,
        legal_form=Organization.LegalForm.COMMUNITY_GROUP,
        uscc=None,
        **kw,
    )


def draft_project(by, area, budget, *, evaluator=None, amount="300000", years=1, **kw):
    from procurement.services import projects

    fields = {
        "title": "老年餐桌助餐服务",
        "purchaser_name": f"{area.name}办事处",
        "service_standard": "每个工作日为辖区老人提供午餐，菜品符合老年人营养标准",
        "quantity": 150,
        "unit": "户",
        "duration_months": 12,
    }
    fields.update(kw)
    return projects.create_project(
        by=by,
        area=area,
        budget=budget,
        budget_amount=amount,
        evaluator=evaluator,
        years=years,
        **fields,
    )


def open_project(by, area, budget, evaluator, **kw):
    from procurement.services import projects

    project = draft_project(by, area, budget, evaluator=evaluator, **kw)
    projects.submit_for_review(project, by=by)
    projects.pre_review(project, by=evaluator, decision="pass", opinion="需求合理，预算适当")
    projects.open_for_applications(project, by=by, working_days=10)
    return project


def past_deadline(project):
    """Move a project's application deadline into the past (as if the days went by)."""
    project.application_deadline = timezone.localdate() - datetime.timedelta(days=1)
    type(project).objects.filter(pk=project.pk).update(
        application_deadline=project.application_deadline
    )
    return project


def awarded_project(by, area, budget, evaluator, organization, member, **kw):
    """A project awarded to `organization` (applied by `member`); returns (project, app)."""
    from procurement.services import projects

    project = open_project(by, area, budget, evaluator, **kw)
    application = projects.apply(
        project,
        organization=organization,
        by=member,
        proposal="组建6人助餐团队，与社区食堂合作配送",
        quoted_amount=project.budget_amount,
    )
    past_deadline(project)
    projects.close_applications(project, by=by)
    projects.award(project, application=application, by=by, reason="方案最优，报价合理")
    return project, application


def contract_in_service(by, area, budget, evaluator, organization, member, *, years=1, **kw):
    """An awarded, signed contract in service (year 1 committed)."""
    from procurement.services import contracts

    project, _app = awarded_project(
        by, area, budget, evaluator, organization, member, years=years, **kw
    )
    start = datetime.date(PROJECT_YEAR, 1, 1)
    amount = funds_amount(project.budget_amount, years)
    plans = [
        contracts.PeriodPlan(
            amount=amount,
            start_date=start.replace(year=start.year + i),
            end_date=datetime.date(start.year + i, 12, 31),
        )
        for i in range(years)
    ]
    contract = contracts.draft_contract(project, by=by, periods=plans)
    contracts.sign_as_organization(contract, by=member, no_subcontracting=True)
    contracts.countersign(contract, by=by)
    contracts.start_service(contract, by=by)
    return contract


def funds_amount(total, years):
    from decimal import ROUND_DOWN, Decimal

    return (Decimal(total) / years).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def pay_non_final(period, by, member=None):
    """Report, accept and pay every non-final installment of a committed contract year
    (the final one is paid by score: `procurement.services.evaluation`)."""
    from huitian.models import User
    from procurement.services import contracts

    organization = period.contract.organization
    member = member or User.objects.get(username=f"member_{organization.pk}")
    for installment in period.installments.filter(is_final=False).order_by("order"):
        report = contracts.submit_milestone_report(
            installment, by=member, text=f"第{installment.order}阶段服务完成，台账齐全。"
        )
        contracts.accept_milestone_report(report, by=by)
        installment.refresh_from_db()
        contracts.pay_installment(installment, by=by)
