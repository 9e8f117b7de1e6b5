"""Applications ranked for award: the reviewers' score plus the credit grade's priority
points (credit.selectors.purchase_priority: 3A and above), shown to staff in the API."""

from decimal import Decimal

import pytest

from procurement.selectors import projects as sel
from procurement.services import projects
from tests.conftest import STREET_A, api_as
from tests.credit.test_grades import graded
from tests.procurement import factories as f
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/purchases/applications/"


@pytest.fixture
def scored(cast):
    """A graded (5A) organization scored 88 and an ungraded one scored 90."""
    street = cast.areas[STREET_A]
    budget = f.funded_budget(cast.district, street)
    project = f.open_project(cast.street_a, street, budget, cast.evaluator)
    graded_org = OrganizationFactory(name="回龙观助老服务中心")
    graded(cast, org=graded_org)
    plain_org = OrganizationFactory(name="龙泽社工事务所")
    applications = {}
    for org in (graded_org, plain_org):
        applications[org] = projects.apply(
            project,
            organization=org,
            by=f.member_of(org),
            proposal="组建专职社工团队",
            quoted_amount=project.budget_amount,
        )
    projects.close_applications(f.past_deadline(project), by=cast.street_a)
    projects.assign_reviewer(project, reviewer=cast.evaluator, by=cast.street_a)
    for org, price in ((graded_org, 13), (plain_org, 15)):
        application = applications[org]
        projects.declare_conflict(application, by=cast.evaluator, has_conflict=False)
        projects.score_application(
            application,
            by=cast.evaluator,
            scores={"plan": 36, "capacity": 22, "experience": 17, "price": price},
        )
    return project, applications[graded_org], applications[plain_org]


def test_credit_priority_points_lift_a_graded_applicant_in_the_ranking(cast, scored):
    project, graded_app, plain_app = scored
    first, second = sel.project_ranking(project)
    assert first.application == graded_app
    assert (first.review_score, first.credit_priority, first.total) == (
        Decimal("88.00"),
        5,
        Decimal("93.00"),
    )
    assert second.application == plain_app
    assert (second.review_score, second.credit_priority, second.total) == (
        Decimal("90.00"),
        0,
        Decimal("90.00"),
    )


def test_staff_see_the_ranking_figures_in_the_application_list(cast, scored):
    _project, graded_app, plain_app = scored
    rows = {row["id"]: row for row in api_as(cast.street_a).get(URL).json()["results"]}
    assert (
        rows[graded_app.pk]["review_score"],
        rows[graded_app.pk]["credit_priority"],
        rows[graded_app.pk]["ranking_total"],
    ) == ("88.00", 5, "93.00")
    assert rows[plain_app.pk]["credit_priority"] == 0
    assert rows[plain_app.pk]["ranking_total"] == "90.00"
    one = api_as(cast.street_a).get(f"{URL}{graded_app.pk}/").json()
    assert one["ranking_total"] == "93.00"


def test_an_unscored_application_ranks_on_its_credit_points_alone(cast):
    street = cast.areas[STREET_A]
    project = f.open_project(
        cast.street_a, street, f.funded_budget(cast.district, street), cast.evaluator
    )
    org = OrganizationFactory()
    graded(cast, org=org)
    projects.apply(
        project,
        organization=org,
        by=f.member_of(org),
        proposal="方案",
        quoted_amount=project.budget_amount,
    )
    (only,) = sel.project_ranking(project)
    assert (only.review_score, only.credit_priority, only.total) == (None, 5, Decimal(5))
