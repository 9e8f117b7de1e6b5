"""新时代文明实践项目库 (V3): submit, review into the library (recorded transitions),
themes, sites picking projects and organizations; the library page and API are public."""

import pytest
from django.core.exceptions import ValidationError

from huitian.access import Forbidden
from huitian.models import Area, Role
from huitian.workflow import WorkflowError, transitions_of
from tests.conftest import COMMUNITY_A1, STREET_A, api_as, make_user
from tests.queries import assert_pinned
from tests.registry.factories import OrganizationFactory
from volunteers import services
from volunteers.models import PracticeProject, PracticeSite

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_member(cast):
    org = OrganizationFactory(name="回龙观邻里互助社", home_area=cast.area(COMMUNITY_A1))
    return make_user("project_member", Role.ORG_MEMBER, organization=org), org


def submit(member, org, title="邻里守望计划", themes=None):
    themes = themes or services.ensure_themes(["理论宣讲", "邻里互助"])[1:]
    return services.submit_project(
        by=member, organization=org, title=title, summary="楼门长带动邻里互助", themes=themes
    )


def test_submit_review_return_resubmit_accept_with_recorded_steps(cast, org_member):
    member, org = org_member
    project = submit(member, org)
    assert project.state == "submitted" and project.area == org.home_area
    services.review_project(project_id=project.pk, by=cast.district, step="return", note="补充成效")
    with pytest.raises(WorkflowError) as exc:  # accept is not a step from "returned"
        services.review_project(project_id=project.pk, by=cast.district, step="accept")
    assert exc.value.code == "illegal_transition"
    services.revise_project(
        project_id=project.pk,
        by=member,
        title="邻里守望计划（修订）",
        summary="楼门长带动邻里互助，服务300户",
        themes=list(project.themes.all()),
    )
    project = services.review_project(project_id=project.pk, by=cast.district, step="accept")
    assert project.state == "in_library" and project.accepted_at is not None
    steps = [(t.step, t.to_state) for t in transitions_of(project)]
    assert steps == [
        ("submit", "submitted"),
        ("return", "returned"),
        ("resubmit", "submitted"),
        ("accept", "in_library"),
    ]


def test_refusals(cast, org_member):
    member, org = org_member
    with pytest.raises(ValidationError) as exc:
        services.submit_project(by=member, organization=org, title="", summary="", themes=[])
    assert set(exc.value.message_dict) == {"title", "summary", "themes"}
    other = OrganizationFactory()
    with pytest.raises(Forbidden):  # not their organization
        submit(member, other)
    project = submit(member, org)
    for who in (cast.street_a, cast.federation_a, member):  # only the district reviews
        with pytest.raises(Forbidden):
            services.review_project(project_id=project.pk, by=who, step="accept")
    with pytest.raises(WorkflowError) as exc:
        services.review_project(project_id=project.pk, by=cast.district, step="reject")
    assert exc.value.code == "reason_required"
    services.ensure_practice_sites()
    site = PracticeSite.objects.get(area=cast.area(COMMUNITY_A1))
    with pytest.raises(WorkflowError) as exc:  # not in the library yet
        services.pick_project(site_id=site.pk, project_id=project.pk, by=cast.community_a1)
    assert exc.value.code == "not_in_library"


def test_sites_at_three_levels_pick_projects_and_organizations(cast, org_member):
    member, org = org_member
    project = submit(member, org)
    services.review_project(project_id=project.pk, by=cast.district, step="accept")
    assert services.ensure_practice_sites() > 0 and services.ensure_practice_sites() == 0
    district_site = PracticeSite.objects.get(area__level=Area.Level.DISTRICT)
    street_site = PracticeSite.objects.get(area=cast.area(STREET_A))
    point = PracticeSite.objects.get(area=cast.area(COMMUNITY_A1))
    assert district_site.name.endswith("新时代文明实践中心")
    assert street_site.name.endswith("新时代文明实践所")
    assert point.name.endswith("新时代文明实践站")
    runner = OrganizationFactory(name="另一家承接社")
    pick = services.pick_project(
        site_id=point.pk,
        project_id=project.pk,
        by=cast.community_a1,
        organization=runner,
        purpose="六月社区活动",
    )
    assert pick.organization == runner
    services.pick_project(site_id=street_site.pk, project_id=project.pk, by=cast.street_a)
    services.pick_project(site_id=district_site.pk, project_id=project.pk, by=cast.district)
    with pytest.raises(WorkflowError) as exc:
        services.pick_project(
            site_id=point.pk, project_id=project.pk, by=cast.community_a1, organization=runner
        )
    assert exc.value.code == "already_picked"
    with pytest.raises(Forbidden):  # another street's staff do not pick for street A's site
        services.pick_project(site_id=street_site.pk, project_id=project.pk, by=cast.street_b)


def test_library_is_public_and_shows_only_accepted_projects(cast, org_member, client):
    member, org = org_member
    themes = services.ensure_themes(["理论宣讲", "文化服务", "邻里互助"])
    accepted = submit(member, org, "红色宣讲团", themes=themes[:1])
    services.review_project(project_id=accepted.pk, by=cast.district, step="accept")
    pending = submit(member, org, "尚未审核的项目", themes=themes[1:2])
    page = client.get("/volunteers/projects/")
    body = page.content.decode()
    assert page.status_code == 200 and "红色宣讲团" in body and "尚未审核的项目" not in body
    r = api_as(None).get("/api/v1/practice-projects/")
    assert r.status_code == 200
    assert [p["title"] for p in r.json()["results"]] == ["红色宣讲团"]
    assert r.json()["results"][0]["themes"] == ["理论宣讲"]
    assert api_as(None).get(f"/api/v1/practice-projects/{pending.pk}/").status_code == 404
    by_theme = api_as(None).get("/api/v1/practice-projects/", {"theme": themes[2].pk})
    assert by_theme.json()["results"] == []

    def grow():
        for i in range(3):
            p = submit(member, org, f"项目{i}", themes=themes)
            services.review_project(project_id=p.pk, by=cast.district, step="accept")

    anon = api_as(None)
    assert_pinned(lambda: anon.get("/api/v1/practice-projects/"), grow, expected=4)
    assert_pinned(lambda: client.get("/volunteers/projects/"), grow)


def test_out_of_area_staff_do_not_see_a_project_under_review(cast, org_member):
    member, org = org_member
    project = submit(member, org)
    from volunteers import selectors

    assert project in selectors.projects_for(cast.street_a)
    assert project not in selectors.projects_for(cast.street_b)
    assert project in selectors.projects_for(member)
    assert PracticeProject.objects.count() == 1
