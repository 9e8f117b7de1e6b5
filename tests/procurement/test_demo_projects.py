"""The purchase-projects demo (issue 9, item 9) reaches every state through the services:
the three-year contract's first year is supervised, evaluated, paid by the score and
settled before the second year is committed — each a recorded step — and seeding again
adds nothing."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType

from huitian.models import Role, Transition
from procurement import demo_funds, demo_projects
from procurement.models import Contract, ContractPeriod, PurchaseProject
from tests.procurement import factories as f
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def steps(record) -> list[str]:
    kind = ContentType.objects.get_for_model(type(record))
    rows = Transition.objects.filter(content_type=kind, object_id=record.pk)
    return list(rows.order_by("at", "pk").values_list("step", flat=True))


def test_the_three_year_contract_is_in_its_second_year_by_the_workflow(cast):
    main = OrganizationFactory(name="回龙观社区养老服务中心")
    OrganizationFactory(name="天通苑为老服务社")  # the rival applicant
    users = {
        Role.DISTRICT_ADMIN: cast.district,
        Role.STREET_STAFF: cast.street_a,
        Role.EVALUATOR: cast.evaluator,
        Role.ORG_MEMBER: f.member_of(main),
    }
    demo_funds.seed(users=users, stdout=io.StringIO())
    for _ in range(2):
        demo_projects.seed(users=users, stdout=io.StringIO())
    projects = PurchaseProject.objects.filter(title=demo_projects.MARK)
    assert projects.count() == 1
    project = projects.get()
    contract = Contract.objects.get(project=project)
    first, second, third = contract.periods.order_by("index")
    assert (first.state, second.state, third.state) == ("settled", "committed", "planned")
    assert (project.state, contract.state) == ("in_service", "in_service")
    evaluation = first.evaluations.get()
    assert evaluation.evaluator == cast.evaluator and first.evaluation_passed
    assert evaluation.overall_score == first.evaluation_score
    assert first.installments.get(is_final=True).state == "paid"
    assert contract.supervision_visits.exists()
    # Every change of year 1 and of the project is a recorded step.
    assert steps(first) == ["commit", "evaluate", "settle"]
    assert steps(project)[-3:] == ["start", "evaluate", "resume"]
    assert steps(second) == ["commit"]
    assert ContractPeriod.objects.filter(contract=contract, evaluated_at__isnull=False).count() == 1
