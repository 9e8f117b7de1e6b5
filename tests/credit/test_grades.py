"""C3 grade evaluation (等级评估): thresholds, rounds, the evaluator's scores, the grade,
and its uses (C7): purchase priority for 3A+, the simplified annual inspection for 4A+."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from credit import selectors, services
from credit.models import CreditEvent, Evaluation, GradeModel
from huitian.models import Role
from huitian.workflow import transitions_of
from registry import services as registry_services
from registry.models import AnnualReport
from tests.conftest import api_as, make_user
from tests.credit.factories import OrganizationFactory
from tests.registry.helpers import form_data

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit/evaluations/"
SCORES = {"basic": "55", "governance": "380", "performance": "420", "social": "95"}  # 950


def graded(cast, scores=SCORES, *, org=None, evaluator=None):
    org = org or OrganizationFactory()
    rnd = services.open_evaluation_round(by=cast.district, year=2026, name="第一批等级评估")
    evaluation = services.assign_evaluation(
        by=cast.district,
        round_id=rnd.pk,
        organization_id=org.pk,
        evaluator_id=(evaluator or cast.evaluator).pk,
    )
    services.enter_scores(
        by=evaluator or cast.evaluator, evaluation_id=evaluation.pk, scores=scores
    )
    return services.award_grade(by=cast.district, evaluation_id=evaluation.pk)


def test_thresholds_out_of_order_are_refused_and_versions_are_kept(cast):
    first = services.grade_model_in_force()
    assert first.version == 1 and first.thresholds() == [600, 700, 800, 900, 950]
    for bad in (
        [600, 700, 700, 900, 950],
        [600, 900, 800, 850, 950],
        [0, 1, 2, 3, 4],
        [600, 700, 800, 900, 1001],
        [600, 700, 800, 900],
    ):
        with pytest.raises(ValidationError) as err:
            services.publish_grade_model(by=cast.district, thresholds=bad)
        assert "min_one" in err.value.message_dict
    with pytest.raises(Exception):  # noqa: B017  (PermissionDenied for street staff)
        services.publish_grade_model(by=cast.street_a, thresholds=[500, 650, 750, 850, 900])
    second = services.publish_grade_model(by=cast.district, thresholds=[500, 650, 750, 850, 900])
    assert second.version == 2 and GradeModel.objects.get(pk=first.pk).min_five == 950
    assert services.grade_model_in_force() == second


def test_the_admin_refuses_out_of_order_thresholds_beside_the_field(cast):
    services.grade_model_in_force()
    client = Client()
    client.force_login(cast.district)
    r = client.post(
        "/admin/credit/grademodel/add/",
        {"min_one": 600, "min_two": 800, "min_three": 700, "min_four": 900, "min_five": 950},
    )
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    assert GradeModel.objects.count() == 1


def test_the_evaluator_scores_the_district_awards_a_grade_valid_five_years(cast):
    evaluation = graded(cast)
    assert evaluation.total == 950 and evaluation.grade == 5
    assert evaluation.valid_until == datetime.date(
        evaluation.awarded_on.year + 5, evaluation.awarded_on.month, evaluation.awarded_on.day
    )
    event = CreditEvent.objects.get(organization=evaluation.organization, kind="grade")
    assert event.effect == 10 and event.expires_on == evaluation.valid_until
    assert [t.step for t in transitions_of(evaluation)] == ["assign", "score", "award"]
    # The round keeps its thresholds when a new version is published later.
    services.publish_grade_model(by=cast.district, thresholds=[700, 800, 900, 960, 990])
    assert evaluation.round.model.version == 1


@pytest.mark.parametrize(
    ("total", "grade"), [(599, 0), (600, 1), (700, 2), (799, 2), (800, 3), (900, 4), (950, 5)]
)
def test_grade_follows_the_thresholds(cast, total, grade):
    scores = {"basic": "0", "governance": "0", "performance": str(min(total, 440)), "social": "0"}
    rest = total - min(total, 440)
    scores["governance"] = str(min(rest, 400))
    scores["basic"] = str(min(rest - min(rest, 400), 60))
    scores["social"] = str(rest - min(rest, 400) - min(rest - min(rest, 400), 60))
    evaluation = graded(cast, scores)
    assert evaluation.grade == grade
    events = CreditEvent.objects.filter(organization=evaluation.organization, kind="grade")
    assert events.count() == (1 if grade else 0)


def test_only_the_assigned_evaluator_enters_scores_and_scores_are_checked(cast):
    org = OrganizationFactory()
    other_evaluator = make_user("evaluator_two", Role.EVALUATOR, cast.area("110114011"))
    rnd = services.open_evaluation_round(by=cast.district, year=2026, name="第一批")
    evaluation = services.assign_evaluation(
        by=cast.district, round_id=rnd.pk, organization_id=org.pk, evaluator_id=cast.evaluator.pk
    )
    body = {**SCORES, "comments": "制度健全"}
    # Another evaluator, the auditor, an out-of-area street: cannot see it (404).
    for user in (other_evaluator, cast.street_b):
        r = api_as(user).post(f"{URL}{evaluation.pk}/scores/", body, format="json")
        assert r.status_code == 404, (user, r.content)
    r = api_as(cast.auditor).post(f"{URL}{evaluation.pk}/scores/", body, format="json")
    assert r.status_code == 403
    # Staff of the area see it but do not score it.
    r = api_as(cast.street_a).post(f"{URL}{evaluation.pk}/scores/", body, format="json")
    assert r.status_code == 403
    too_high = {**SCORES, "governance": "401"}
    r = api_as(cast.evaluator).post(f"{URL}{evaluation.pk}/scores/", too_high, format="json")
    assert r.status_code == 400 and "score_governance" in r.content.decode()
    r = api_as(cast.evaluator).post(f"{URL}{evaluation.pk}/scores/", body, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "scored" and r.json()["total"] == "950.0"
    # The evaluator sees what it is assigned, and nothing else.
    listed = api_as(cast.evaluator).get(URL).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["id"] for row in rows] == [evaluation.pk]
    assert api_as(other_evaluator).get(URL).json()["count"] == 0
    # Awarding: the registration body only.
    assert api_as(cast.evaluator).post(f"{URL}{evaluation.pk}/award/").status_code == 403
    assert api_as(cast.street_a).post(f"{URL}{evaluation.pk}/award/").status_code == 403
    r = api_as(cast.district).post(f"{URL}{evaluation.pk}/award/")
    assert r.status_code == 200 and r.json()["grade_label"] == "5A"
    # After the award the scores are closed.
    r = api_as(cast.evaluator).post(f"{URL}{evaluation.pk}/scores/", body, format="json")
    assert r.status_code == 409 and Evaluation.objects.get(pk=evaluation.pk).total == 950


def test_the_evaluator_enters_scores_on_the_admin_page(cast):
    org = OrganizationFactory()
    rnd = services.open_evaluation_round(by=cast.district, year=2026, name="第一批")
    evaluation = services.assign_evaluation(
        by=cast.district, round_id=rnd.pk, organization_id=org.pk, evaluator_id=cast.evaluator.pk
    )
    client = Client()
    client.force_login(cast.evaluator)
    page = client.get(f"/admin/credit/evaluation/{evaluation.pk}/change/")
    assert page.status_code == 200
    r = client.post(
        f"/admin/credit/evaluation/{evaluation.pk}/change/",
        form_data(page)
        | {
            "score_basic": "50",
            "score_governance": "350",
            "score_performance": "400",
            "score_social": "80",
            "comments": "运行规范",
        },
    )
    assert r.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.total == 880 and evaluation.state == "scored"


def test_only_registered_active_organizations_are_graded_by_an_evaluator(cast):
    from tests.credit.factories import FiledGroupFactory

    rnd = services.open_evaluation_round(by=cast.district, year=2026, name="第一批")
    with pytest.raises(ValidationError) as err:
        services.assign_evaluation(
            by=cast.district,
            round_id=rnd.pk,
            organization_id=FiledGroupFactory().pk,
            evaluator_id=cast.evaluator.pk,
        )
    assert "organization" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.assign_evaluation(
            by=cast.district,
            round_id=rnd.pk,
            organization_id=OrganizationFactory().pk,
            evaluator_id=cast.street_a.pk,
        )
    assert "evaluator" in err.value.message_dict


def test_purchase_priority_for_3a_and_above_configurable(cast):
    five = graded(cast).organization
    three = graded(
        cast, {"basic": "50", "governance": "330", "performance": "380", "social": "60"}
    ).organization
    two = graded(
        cast, {"basic": "50", "governance": "300", "performance": "350", "social": "50"}
    ).organization
    ungraded = OrganizationFactory()
    ids = [five.pk, three.pk, two.pk, ungraded.pk]
    assert selectors.purchase_priority(ids) == {five.pk: 5, three.pk: 5, two.pk: 0, ungraded.pk: 0}
    settings = selectors.credit_settings()
    settings.purchase_priority_points = 8
    settings.save()
    assert selectors.purchase_priority(ids)[three.pk] == 8
    # Five years later the grade is no longer in force.
    later = datetime.date.today() + datetime.timedelta(days=5 * 366)
    assert selectors.purchase_priority(ids, today=later)[five.pk] == 0


def test_4a_and_above_get_the_simplified_annual_inspection(cast):
    five = graded(cast).organization
    three = graded(
        cast, {"basic": "50", "governance": "330", "performance": "380", "social": "60"}
    ).organization
    assert selectors.simplified_inspection(five) and not selectors.simplified_inspection(three)
    for org in (five, three):
        member = make_user(f"m{org.pk}", Role.ORG_MEMBER, organization=org)
        registry_services.submit_annual_report(
            organization_id=org.pk, year=2025, by=member, summary="年度工作总结"
        )
    assert AnnualReport.objects.get(organization=five).conclusion == "pass"
    assert AnnualReport.objects.get(organization=three).conclusion == ""
    assert CreditEvent.objects.filter(organization=five, kind="annual_report").count() == 1


def test_the_public_page_and_api_show_the_grade_with_its_breakdown_in_words(cast, client):
    evaluation = graded(cast)
    org = evaluation.organization
    page = client.get(f"/credit/organizations/{org.pk}/").content.decode()
    assert "5A" in page and "950" in page
    # Each indicator in words, with its points of its maximum.
    for points, maximum in (("55.0", 60), ("380.0", 400), ("420.0", 440), ("95.0", 100)):
        assert points in page and str(maximum) in page
    data = client.get(f"/api/v1/organizations/{org.pk}/credit/").json()
    assert data["grade"]["label"] == "5A" and data["grade"]["grade"] == 5
    assert [row["indicator"] for row in data["grade_breakdown"]] == [
        "basic",
        "governance",
        "performance",
        "social",
    ]
    assert sum(float(row["points"]) for row in data["grade_breakdown"]) == 950
    assert all(row["why"] for row in data["grade_breakdown"])
