"""Purchase projects (issue 9, item 4): create, pre-review, open, apply, review, award,
cancel — every refusal with its code, nothing half-written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from huitian.access import Forbidden, visible
from huitian.models import Area, Role, Transition
from huitian.workdays import add_working_days
from huitian.workflow import WorkflowError
from procurement.models import (
    ApplicationScore,
    Award,
    ProjectApplication,
    PurchaseItem,
    PurchaseProject,
)
from procurement.services import projects as svc
from registry.models import Organization
from tests.conftest import COMMUNITY_A1, DISTRICT, STREET_A, STREET_B, make_user
from tests.procurement import factories as f
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def street(cast):
    return cast.areas[STREET_A]


@pytest.fixture
def budget(cast, street):
    return f.funded_budget(cast.district, street)


@pytest.fixture
def org():
    return OrganizationFactory(name="回龙观为老服务中心")


@pytest.fixture
def member(org):
    return f.member_of(org)


@pytest.fixture
def project(cast, street, budget):
    return f.open_project(cast.street_a, street, budget, cast.evaluator)


def refused(code, fn, *args, **kw):
    with translation.override("en"), pytest.raises(WorkflowError) as err:
        fn(*args, **kw)
    assert err.value.code == code, (err.value.code, err.value.detail)
    return err.value


# Creating and pre-review ------------------------------------------------------


def test_a_project_is_created_directly_in_draft_with_its_first_transition(cast, street, budget):
    project = f.draft_project(cast.street_a, street, budget, amount="600000")
    assert project.state == "draft" and project.is_major
    assert not f.draft_project(cast.street_a, street, budget, amount="499999.99").is_major
    line = Transition.objects.get(object_id=project.pk, step="create")
    assert line.to_state == "draft" and line.by == cast.street_a
    assert project.history.count() == 1


def test_the_major_threshold_is_a_setting(cast, street, budget, settings):
    settings.PURCHASE_MAJOR_PROJECT_THRESHOLD = 100000
    assert f.draft_project(cast.street_a, street, budget, amount="100000").is_major


def test_a_project_from_purchase_items_takes_their_budget_and_standard(cast, street, budget):
    from huitian.models import Category
    from procurement.models import Topic

    topic = Topic.objects.create(
        area=cast.areas[COMMUNITY_A1], category=Category.objects.first(), title="助餐"
    )
    item = PurchaseItem.objects.create(
        topic=topic, title="社区助餐", estimated_budget="120000", service_standard="每日午餐"
    )
    project = svc.create_project_from_items(
        by=cast.street_a,
        items=[item],
        area=street,
        budget=budget,
        purchaser_name="回龙观街道办事处",
        quantity=80,
        unit="户",
        duration_months=12,
    )
    assert project.title == "社区助餐" and project.budget_amount == Decimal("120000")
    assert list(project.items.all()) == [item] and project.service_standard == "每日午餐"


def test_creating_is_refused_out_of_area_and_with_bad_input(cast, street, budget):
    with pytest.raises(Forbidden):
        f.draft_project(cast.street_b, street, budget)
    with pytest.raises(ValidationError) as err:
        f.draft_project(cast.street_a, street, budget, amount="-5")
    assert "budget_amount" in err.value.message_dict
    with pytest.raises(ValidationError):
        f.draft_project(cast.street_a, street, budget, amount="10.005")
    with pytest.raises(ValidationError):
        f.draft_project(cast.street_a, street, budget, years=4)
    other = f.funded_budget(cast.district, cast.areas[STREET_B], amount="1000")
    refused("area_mismatch", f.draft_project, cast.street_a, street, other)
    refused(
        "not_an_evaluator", f.draft_project, cast.street_a, street, budget, evaluator=cast.street_b
    )
    assert not PurchaseProject.objects.exists()


def test_pre_review_needs_an_evaluator_and_only_the_assigned_one_decides(cast, street, budget):
    project = f.draft_project(cast.street_a, street, budget)
    refused("evaluator_required", svc.submit_for_review, project, by=cast.street_a)
    svc.assign_evaluator(project, evaluator=cast.evaluator, by=cast.street_a)
    svc.submit_for_review(project, by=cast.street_a)
    assert project.state == "pre_review"
    other = make_user("evaluator2", Role.EVALUATOR, cast.areas[STREET_A])
    with pytest.raises(Forbidden) as err:
        svc.pre_review(project, by=other, decision="pass", opinion="可以")
    assert err.value.code == "not_the_evaluator"
    with pytest.raises(Forbidden):
        svc.pre_review(project, by=cast.street_a, decision="pass", opinion="可以")
    refused(
        "reason_required", svc.pre_review, project, by=cast.evaluator, decision="pass", opinion=" "
    )
    # The assigned evaluator reads the project; another evaluator does not.
    assert visible(cast.evaluator, PurchaseProject.objects.all()).count() == 1
    assert visible(other, PurchaseProject.objects.all()).count() == 0
    svc.pre_review(project, by=cast.evaluator, decision="revise", opinion="服务数量需细化")
    assert project.state == "draft" and project.pre_review_opinion == "服务数量需细化"
    svc.update_project(project, by=cast.street_a, quantity=200)
    svc.submit_for_review(project, by=cast.street_a)
    svc.pre_review(project, by=cast.evaluator, decision="pass", opinion="合理")
    assert project.state == "passed"
    steps = list(Transition.objects.filter(object_id=project.pk).values_list("step", flat=True))
    assert steps == ["create", "submit", "revise", "submit", "pass_review"]


def test_a_rejected_project_goes_no_further(cast, street, budget):
    project = f.draft_project(cast.street_a, street, budget, evaluator=cast.evaluator)
    svc.submit_for_review(project, by=cast.street_a)
    svc.pre_review(project, by=cast.evaluator, decision="reject", opinion="与已有项目重复")
    assert project.state == "rejected"
    refused(
        "illegal_transition", svc.open_for_applications, project, by=cast.street_a, working_days=5
    )
    refused("illegal_transition", svc.cancel_project, project, by=cast.street_a, reason="x")


def test_opening_sets_the_deadline_in_working_days(cast, street, budget):
    from django.utils import timezone

    project = f.open_project(cast.street_a, street, budget, cast.evaluator)
    assert project.state == "open" and project.application_days == 10
    assert project.application_deadline == add_working_days(timezone.localdate(), 10)
    with pytest.raises(ValidationError):
        svc.open_for_applications(project, by=cast.street_a, working_days=0)


# Eligibility ------------------------------------------------------------------


def test_eligibility_is_one_function_with_reasons(cast, project, org):
    assert svc.eligibility_problems(org) == []
    with translation.override("en"):
        liquidating = OrganizationFactory(status=Organization.Status.LIQUIDATING)
        assert "In liquidation" in svc.eligibility_problems(liquidating)[0]
        group = f.filed_group()
        assert "jointly" in svc.eligibility_problems(group)[0]
        assert svc.eligibility_problems(group, project, joint=True) == []
        other_project = f.open_project(
            cast.street_b,
            cast.areas[STREET_B],
            f.funded_budget(cast.district, cast.areas[STREET_B], amount="500000"),
            cast.evaluator,
        )
        assert "own street" in svc.eligibility_problems(group, other_project, joint=True)[0]
        enterprise = OrganizationFactory(legal_form=Organization.LegalForm.SOCIAL_ENTERPRISE)
        assert "certification" in svc.eligibility_problems(enterprise)[0]


def test_a_credit_listed_organization_is_ineligible_with_the_lists_reason(cast, project, org):
    from credit.services import enter_list

    enter_list(
        organization_id=org.pk,
        kind="dishonesty",
        cause="heavy_penalty",
        legal_basis="第九条",
        by=cast.district,
    )
    with translation.override("en"):
        problems = svc.eligibility_problems(org)
        assert len(problems) == 1 and "On the" in problems[0]
        err = refused(
            "ineligible",
            svc.apply,
            project,
            organization=org,
            by=f.member_of(org),
            proposal="x",
            quoted_amount="1",
        )
    assert err.fields["organization"] == problems


# Applications -----------------------------------------------------------------


def test_an_eligible_organization_applies_once(cast, project, org, member):
    app = svc.apply(project, organization=org, by=member, proposal="方案", quoted_amount="280000")
    assert app.state == "submitted" and not app.is_joint
    refused(
        "already_applied",
        svc.apply,
        project,
        organization=org,
        by=member,
        proposal="再次",
        quoted_amount="1",
    )
    svc.withdraw_application(app, by=member)
    again = svc.apply(project, organization=org, by=member, proposal="重新申请", quoted_amount="1")
    assert again.pk != app.pk


def test_applications_are_refused_with_the_reason(cast, project, org, member):
    kw = {"proposal": "方案", "quoted_amount": "1000"}
    with pytest.raises(Forbidden):
        svc.apply(project, organization=org, by=cast.resident, **kw)
    refused(
        "quote_over_budget",
        svc.apply,
        project,
        organization=org,
        by=member,
        proposal="方案",
        quoted_amount="300000.01",
    )
    suspended = OrganizationFactory(status=Organization.Status.SUSPENDED)
    err = refused(
        "ineligible", svc.apply, project, organization=suspended, by=f.member_of(suspended), **kw
    )
    assert "Suspended" in str(err.detail)
    group = f.filed_group()
    refused("ineligible", svc.apply, project, organization=group, by=f.member_of(group), **kw)
    f.past_deadline(project)
    refused("deadline_passed", svc.apply, project, organization=org, by=member, **kw)
    draft = f.draft_project(cast.street_a, project.area, project.budget)
    refused("project_not_open", svc.apply, draft, organization=org, by=member, **kw)
    assert not ProjectApplication.objects.exists()


def test_the_street_federation_applies_jointly_for_a_filed_group_and_cosigns(cast, project):
    group = f.filed_group()
    app = svc.apply(
        project,
        organization=group,
        by=cast.federation_a,
        joint=True,
        proposal="联合申报",
        quoted_amount="100000",
    )
    assert app.is_joint and app.cosigned_by == cast.federation_a
    assert app.federation_area == cast.areas[STREET_A]
    # The other street's federation may not.
    other = f.filed_group(name="另一合唱队")
    with pytest.raises(Forbidden):
        svc.apply(
            project,
            organization=other,
            by=cast.federation_b,
            joint=True,
            proposal="x",
            quoted_amount="1",
        )
    # A registered organization does not apply "jointly" through the federation.
    with pytest.raises(Forbidden):
        svc.apply(
            project,
            organization=OrganizationFactory(),
            by=cast.federation_a,
            joint=True,
            proposal="x",
            quoted_amount="1",
        )


# Review and award -------------------------------------------------------------


@pytest.fixture
def reviewing(cast, project, org, member):
    rival = OrganizationFactory(name="龙泽社工事务所")
    app = svc.apply(project, organization=org, by=member, proposal="方案甲", quoted_amount="290000")
    app2 = svc.apply(
        project,
        organization=rival,
        by=f.member_of(rival),
        proposal="方案乙",
        quoted_amount="250000",
    )
    refused("deadline_not_passed", svc.close_applications, project, by=cast.street_a)
    f.past_deadline(project)
    svc.close_applications(project, by=cast.street_a)
    svc.assign_reviewer(project, reviewer=cast.evaluator, by=cast.street_a)
    return project, app, app2


def test_reviewers_declare_conflicts_and_a_conflict_stops_scoring(cast, reviewing):
    project, app, app2 = reviewing
    scores = {"plan": 35, "capacity": 20, "experience": 15, "price": 12}
    refused("declaration_required", svc.score_application, app, by=cast.evaluator, scores=scores)
    svc.declare_conflict(app, by=cast.evaluator, has_conflict=False)
    svc.declare_conflict(app2, by=cast.evaluator, has_conflict=True, description="曾任该机构理事")
    svc.score_application(app, by=cast.evaluator, scores=scores)
    refused("conflict_of_interest", svc.score_application, app2, by=cast.evaluator, scores=scores)
    refused(
        "conflict_of_interest", svc.declare_conflict, app2, by=cast.evaluator, has_conflict=False
    )
    assert not ApplicationScore.objects.filter(application=app2).exists()
    with pytest.raises(Forbidden) as err:
        svc.declare_conflict(app, by=cast.street_b, has_conflict=False)
    assert err.value.code == "not_a_reviewer"
    with pytest.raises(ValidationError):
        svc.score_application(app, by=cast.evaluator, scores={"plan": 41})
    assert svc.totals(project) == {app.pk: Decimal("82.00")}
    # The reviewer reads the applications it reviews.
    assert visible(cast.evaluator, ProjectApplication.objects.all()).count() == 2


def test_award_with_reason_marks_the_others_not_awarded(cast, reviewing):
    project, app, app2 = reviewing
    refused("reason_required", svc.award, project, application=app, by=cast.street_a, reason="")
    with pytest.raises(Forbidden):
        svc.award(project, application=app, by=cast.street_b, reason="x")
    award = svc.award(project, application=app, by=cast.street_a, reason="综合得分最高")
    project.refresh_from_db()
    app2.refresh_from_db()
    assert project.state == "awarded" and award.application == app
    assert app2.state == "not_awarded"


def test_awarding_an_applicant_listed_since_is_refused_and_nothing_moves(cast, reviewing):
    project, app, _app2 = reviewing
    Organization.objects.filter(pk=app.organization_id).update(
        status=Organization.Status.LIQUIDATING
    )
    app.organization.refresh_from_db()
    refused("ineligible", svc.award, project, application=app, by=cast.street_a, reason="得分最高")
    project.refresh_from_db()
    app.refresh_from_db()
    assert project.state == "under_review" and app.state == "submitted"
    assert not Award.objects.exists()


def test_award_of_another_projects_application_is_refused(cast, reviewing, street, budget):
    _project, app, _ = reviewing
    other = f.open_project(cast.street_a, street, budget, cast.evaluator)
    f.past_deadline(other)
    svc.close_applications(other, by=cast.street_a)
    refused("wrong_project", svc.award, other, application=app, by=cast.street_a, reason="x")


def test_cancel_needs_a_reason_and_closes_the_applications(cast, reviewing):
    project, app, _ = reviewing
    refused("reason_required", svc.cancel_project, project, by=cast.street_a, reason=" ")
    svc.cancel_project(project, by=cast.street_a, reason="需求已由其他渠道解决")
    app.refresh_from_db()
    assert project.state == "cancelled" and app.state == "not_awarded"
    assert project.cancel_reason == "需求已由其他渠道解决"


def test_staff_of_another_street_do_not_see_the_project(cast, project):
    assert visible(cast.street_b, PurchaseProject.objects.all()).count() == 0
    assert visible(cast.district, PurchaseProject.objects.all()).count() == 1
    assert Area.objects.get(code=DISTRICT)
