"""Annual reports and their inspection (R8); administrative interviews (R9)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huitian.access import Forbidden
from huitian.models import Notification, Role
from registry import services
from registry.models import (
    AgencyRecord,
    AnnualReport,
    Interview,
    Organization,
)
from tests.conftest import api_as, make_user
from tests.registry.factories import (
    OrganizationFactory,
)
from tests.registry.helpers import form_data, pinned_list_queries

pytestmark = pytest.mark.django_db


def _interview_payload(org, **extra):
    return {
        "organization": org.pk,
        "reason": "no_inspection",
        "details": "2025 年度未参加年检",
        "held_on": "2026-04-01",
        **extra,
    }


def test_interview(cast):
    org = OrganizationFactory()
    member = make_user("m2", Role.ORG_MEMBER, organization=org)
    interview = services.hold_interview(
        organization_id=org.pk,
        by=cast.street_a,
        reason="no_inspection",
        held_on=datetime.date(2026, 4, 1),
        outcome="限期一个月补交年报",
        follow_up_on=datetime.date(2026, 5, 1),
    )
    assert interview.conducted_by == cast.street_a
    assert member.notifications.filter(kind="registry.interview").exists()
    with pytest.raises(Forbidden):
        services.hold_interview(
            organization_id=org.pk,
            by=cast.street_b,
            reason="other",
            held_on=datetime.date(2026, 4, 1),
        )


def test_interview_is_held_and_its_outcome_recorded(cast):
    org = OrganizationFactory()
    member = make_user("iv_member", Role.ORG_MEMBER, organization=org)
    r = api_as(cast.street_a).post("/api/v1/interviews/", _interview_payload(org), format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["conducted_by"] == "street_a" and body["outcome"] == ""
    assert body["reason_display"]
    assert member.notifications.filter(kind="registry.interview").exists()
    iid = body["id"]
    r = api_as(cast.street_a).post(
        f"/api/v1/interviews/{iid}/outcome/",
        {"outcome": "限期一个月补交年报", "follow_up_on": "2026-05-01"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["outcome"] == "限期一个月补交年报"
    interview = Interview.objects.get(pk=iid)
    assert interview.follow_up_on == datetime.date(2026, 5, 1)
    # The organization reads its own interviews.
    assert api_as(member).get(f"/api/v1/interviews/{iid}/").status_code == 200


def test_interview_refusals(cast):
    org = OrganizationFactory()
    r = api_as(cast.street_a).post(
        "/api/v1/interviews/", _interview_payload(org, reason="nonsense"), format="json"
    )
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = api_as(cast.street_a).post(
        "/api/v1/interviews/", _interview_payload(org, held_on=""), format="json"
    )
    assert r.status_code == 400 and "held_on" in r.json()["fields"]
    interview = services.hold_interview(
        organization_id=org.pk, by=cast.street_a, reason="other", held_on=datetime.date(2026, 4, 1)
    )
    r = api_as(cast.street_a).post(
        f"/api/v1/interviews/{interview.pk}/outcome/", {"outcome": ""}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert "outcome" in r.json()["fields"]


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("district", 200, 201),
        ("street_a", 200, 201),
        ("auditor", 200, 403),
        ("evaluator", 404, 403),  # reads nothing unassigned; a read-only role writes nothing
        ("federation_a", 200, 403),
        ("street_b", 404, 404),
        ("community_b1", 404, 404),
        ("resident", 404, 404),
    ],
)
def test_interview_permission_matrix(cast, who, read, write):
    org = OrganizationFactory()
    interview = services.hold_interview(
        organization_id=org.pk, by=cast.street_a, reason="other", held_on=datetime.date(2026, 4, 1)
    )
    client = api_as(getattr(cast, who))
    assert client.get(f"/api/v1/interviews/{interview.pk}/").status_code == read
    r = client.post("/api/v1/interviews/", _interview_payload(org), format="json")
    assert r.status_code == write, r.json()
    r = client.post(
        f"/api/v1/interviews/{interview.pk}/outcome/", {"outcome": "整改完成"}, format="json"
    )
    assert r.status_code == (200 if write == 201 else write), r.json()
    if write != 201:
        assert Interview.objects.filter(organization=org).count() == 1
        assert Interview.objects.get(pk=interview.pk).outcome == ""


def test_interview_list_is_scoped(cast):
    mine, theirs = OrganizationFactory(), OrganizationFactory(home_area=cast.area("110114008001"))
    for org, by in ((mine, cast.street_a), (theirs, cast.street_b)):
        services.hold_interview(
            organization_id=org.pk, by=by, reason="other", held_on=datetime.date(2026, 4, 1)
        )
    names = [
        row["organization_name"]
        for row in api_as(cast.street_a).get("/api/v1/interviews/").json()["results"]
    ]
    assert names == [mine.name]
    assert api_as(cast.district).get("/api/v1/interviews/").json()["count"] == 2
    assert api_as(cast.resident).get("/api/v1/interviews/").json()["count"] == 0


def test_interviews_list_queries(cast, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            services.hold_interview(
                organization_id=OrganizationFactory().pk,
                by=cast.street_a,
                reason="other",
                held_on=datetime.date(2026, 4, 1),
            )

    # count, page (organization and conducted_by joined)
    pinned_list_queries(
        django_assert_num_queries, api_as(cast.street_a), "/api/v1/interviews/", make, 2
    )


def test_annual_report_by_member_then_public_conclusion(cast, client, client_as):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    c = client_as(member)
    upload = SimpleUploadedFile("2025.pdf", b"%PDF-1.4 report")
    r = c.post(
        f"/portal/organizations/{org.pk}/annual-report/",
        {
            "year": 2025,
            "summary": "开展活动 30 场",
            "income": "1000.00",
            "expenditure": "800.50",
            "file": upload,
        },
    )
    assert r.status_code == 302, r.context["form"].errors
    report = AnnualReport.objects.get(organization=org, year=2025)
    # twice is refused with a reason by the field
    r = c.post(
        f"/portal/organizations/{org.pk}/annual-report/",
        {"year": 2025, "summary": "x", "income": "0", "expenditure": "0"},
    )
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    # outsiders cannot submit for it
    assert (
        client_as(cast.resident).get(f"/portal/organizations/{org.pk}/annual-report/").status_code
        == 404
    )
    # staff record the conclusion; it is public
    url = f"/api/v1/annual-reports/{report.pk}/conclude/"
    assert api_as(cast.community_a1).post(url, {"conclusion": "pass"}).status_code == 403
    assert api_as(cast.street_b).post(url, {"conclusion": "pass"}).status_code == 404
    assert api_as(cast.street_a).post(url, {"conclusion": "basic"}).status_code == 200
    assert api_as(cast.district).post(url, {"conclusion": "fail"}).status_code == 409
    page = client.get(f"/organizations/{org.pk}/").content.decode()
    assert "2025" in page and "基本合格" in page


def test_missing_annual_reports_are_flagged_after_the_deadline(cast):
    import datetime

    from registry import services
    from registry.models import InspectionYear

    late = OrganizationFactory()
    done = OrganizationFactory()
    Organization.objects.update(created_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    member = make_user("late_member", Role.ORG_MEMBER, organization=late)
    AnnualReport.objects.create(organization=done, year=2025, summary="ok")
    InspectionYear.objects.create(year=2025, deadline=datetime.date(2026, 5, 31))
    assert services.flag_missing_annual_reports(today=datetime.date(2026, 5, 31)) == 0
    assert services.flag_missing_annual_reports(today=datetime.date(2026, 6, 1)) == 1
    assert services.flag_missing_annual_reports(today=datetime.date(2026, 6, 2)) == 0
    assert Notification.objects.filter(recipient=member, kind="registry.annual_report_missing")


def test_portal_annual_report_submission_is_confirmed(cast, client_as):
    org = OrganizationFactory(name="年报确认")
    member = make_user("ar_member", Role.ORG_MEMBER, organization=org)
    r = client_as(member).post(
        f"/portal/organizations/{org.pk}/annual-report/",
        {"year": 2025, "summary": "开展活动", "income": "10", "expenditure": "5"},
        follow=True,
    )
    assert "年报确认 的 2025 年度报告已提交" in r.content.decode()


def test_admin_interview_and_agency_record_change_forms_follow_the_services_rules(cast, client_as):
    """Community staff see these rows in their area, but only the interviewing staff may
    change an interview and only the group's federation an agency record."""
    import datetime

    from registry import services
    from registry.models import Interview

    org = OrganizationFactory()
    interview = services.hold_interview(
        organization_id=org.pk,
        by=cast.street_a,
        reason="no_inspection",
        details="未参加年检",
        held_on=datetime.date(2026, 4, 1),
    )
    group = OrganizationFactory(registration_level="filed", uscc=None, filing_number="HTBA-T-1")
    record = services.record_agency_service(
        organization_id=group.pk,
        by=cast.federation_a,
        kind="training",
        date=datetime.date(2026, 4, 2),
        title="财务培训",
    )
    outsider = client_as(cast.community_a1)
    url = f"/admin/registry/interview/{interview.pk}/change/"
    page = outsider.get(url)
    assert page.status_code == 200 and 'name="outcome"' not in page.content.decode()
    outsider.post(url, {"outcome": "社区改写", "details": "社区改写"})
    interview = Interview.objects.get(pk=interview.pk)
    assert interview.outcome == "" and interview.details == "未参加年检"
    page = client_as(cast.street_a).get(url)
    assert 'name="outcome"' in page.content.decode()  # the interviewing staff still may

    url = f"/admin/registry/agencyrecord/{record.pk}/change/"
    page = client_as(cast.street_a).get(url)
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()
    page = client_as(cast.federation_a).get(url)
    assert 'name="title"' in page.content.decode()
    assert AgencyRecord.objects.get(pk=record.pk).title == "财务培训"


def _held_interview(cast):
    org = OrganizationFactory()
    return services.hold_interview(
        organization_id=org.pk,
        by=cast.street_a,
        reason="no_inspection",
        details="未参加年检",
        held_on=datetime.date(2026, 4, 1),
    )


def test_admin_interview_edit_records_the_outcome_through_the_service(cast, client_as):
    """The change form is record_interview_outcome: its refusal shows beside the field, and
    what was held (organization, reason, details, date) is not rewritten by a forged POST."""
    interview = _held_interview(cast)
    url = f"/admin/registry/interview/{interview.pk}/change/"
    c = client_as(cast.street_a)
    page = c.get(url)
    html = page.content.decode()
    assert 'name="details"' not in html and 'name="held_on"' not in html
    data = form_data(page)
    data.update({"outcome": "  ", "details": "改写的事由", "reason": "other"})
    r = c.post(url, data)
    assert r.status_code == 200
    assert r.context["adminform"].form.errors["outcome"] == ["请填写约谈结果。"]
    data.update({"outcome": "限期整改", "follow_up_on": "2026-05-01"})
    assert c.post(url, data).status_code == 302
    interview = Interview.objects.get(pk=interview.pk)
    assert (interview.outcome, interview.follow_up_on) == ("限期整改", datetime.date(2026, 5, 1))
    assert (interview.details, interview.reason) == ("未参加年检", "no_inspection")


def test_admin_interview_added_through_the_service_notifies_members(cast, client_as):
    org = OrganizationFactory()
    member = make_user("iv_member", Role.ORG_MEMBER, organization=org)
    c = client_as(cast.street_a)
    data = form_data(c.get("/admin/registry/interview/add/"))
    data.update(
        {"organization": org.pk, "reason": "other", "details": "违规", "held_on": "2026-04-02"}
    )
    assert c.post("/admin/registry/interview/add/", data).status_code == 302
    interview = Interview.objects.get(organization=org)
    assert interview.conducted_by == cast.street_a
    assert Notification.objects.filter(recipient=member, kind="registry.interview").exists()
    # Outside the clerk's street: refused beside the organization, nothing held.
    other = OrganizationFactory(home_area=cast.area("110114008001"))
    data["organization"] = other.pk
    r = c.post("/admin/registry/interview/add/", data)
    assert r.status_code == 200 and "organization" in r.context["adminform"].form.errors
    assert not Interview.objects.filter(organization=other).exists()


def test_annual_report_for_an_unseen_organization_is_404_before_uniqueness(cast):
    """Not "organization, year must be unique" (which would confirm a report exists)."""
    other = OrganizationFactory(home_area=cast.area("110114008001"))
    AnnualReport.objects.create(organization=other, year=2025, summary="已报")
    member = make_user("ar_member", Role.ORG_MEMBER, organization=OrganizationFactory())
    body = {"organization": other.pk, "year": 2025, "summary": "冒名"}
    r = api_as(member).post("/api/v1/annual-reports/", body)
    assert r.status_code == 404
    r = api_as(cast.street_a).post("/api/v1/annual-reports/", body)
    assert r.status_code == 404
    r = api_as(member).post("/api/v1/annual-reports/", {**body, "organization": 10**9})
    assert r.status_code == 404


def test_second_report_of_a_year_is_the_services_409(cast):
    org = OrganizationFactory()
    member = make_user("ar_twice", Role.ORG_MEMBER, organization=org)
    body = {"organization": org.pk, "year": 2025, "summary": "年度工作"}
    assert api_as(member).post("/api/v1/annual-reports/", body).status_code == 201
    r = api_as(member).post("/api/v1/annual-reports/", body)
    assert r.status_code == 409 and r.json()["code"] == "already_submitted"


@pytest.mark.parametrize(("who", "status"), [("district", 302), ("street_a", 403)])
def test_inspection_years_are_district_reference_data(cast, client_as, who, status):
    from registry.models import InspectionYear

    r = client_as(getattr(cast, who)).post(
        "/admin/registry/inspectionyear/add/", {"year": 2026, "deadline": "2027-05-31"}
    )
    assert r.status_code == status
    assert InspectionYear.objects.filter(year=2026).exists() == (status == 302)
