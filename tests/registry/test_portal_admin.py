"""Portal pages and admin screens: the same services and rules behind other doors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huitian.models import Role
from huitian.services import assign_role
from registry.models import AnnualReport, Filing, Organization, RegistrationApplication
from tests.conftest import api_as, make_user
from tests.registry.factories import FilingFactory, OrganizationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_portal_apply_shows_field_errors_then_submits(cast, client_as):
    c = client_as(cast.resident)
    form = {
        "name": "回天助老服务中心",
        "legal_form": "social_service",
        "registration_level": "district",
        "home_area": cast.area("110114011001").pk,
        "categories": [],
        "uscc": "123",
        "legal_representative": "张明",
        "contact_name": "张明",
        "contact_phone": "12345",
        "purpose": "助老",
    }
    r = c.post("/portal/registrations/new/", form)
    assert r.status_code == 200
    assert r.context["form"].errors.keys() >= {"uscc", "contact_phone"}
    assert "invalid-feedback" in r.content.decode()
    form.update(uscc="", contact_phone="13800138000")
    r = c.post("/portal/registrations/new/", form)
    app = RegistrationApplication.objects.get(applicant=cast.resident)
    assert r.status_code == 302 and r.url == f"/portal/registrations/{app.pk}/"
    assert app.state == "submitted"
    assert "回天助老服务中心" in c.get("/portal/").content.decode()


def test_portal_pages_need_sign_in_and_hide_others(cast, client, client_as):
    app = RegistrationFactory(applicant=cast.resident)
    assert client.get("/portal/").status_code == 302
    assert client_as(cast.resident_other).get(f"/portal/registrations/{app.pk}/").status_code == 404
    assert client_as(cast.resident).get(f"/portal/registrations/{app.pk}/").status_code == 200


def test_portal_resubmits_a_returned_application(cast, client_as):
    app = RegistrationFactory(applicant=cast.resident, state="returned", missing_items=["章程"])
    c = client_as(cast.resident)
    page = c.get(f"/portal/registrations/{app.pk}/").content.decode()
    assert "章程" in page
    data = {
        "step": "resubmit",
        "name": app.name,
        "legal_form": app.legal_form,
        "registration_level": app.registration_level,
        "home_area": app.home_area_id,
        "uscc": "",
        "legal_representative": "张明",
        "contact_name": "张明",
        "contact_phone": "13800138000",
        "purpose": "补充了章程",
    }
    assert c.post(f"/portal/registrations/{app.pk}/", data).status_code == 302
    app.refresh_from_db()
    assert app.state == "submitted" and app.purpose == "补充了章程"


def test_portal_filing(cast, client_as):
    c = client_as(cast.resident)
    r = c.post(
        "/portal/filings/new/",
        {
            "name": "龙博苑书画社",
            "community": cast.area("110114011001").pk,
            "leader_name": "孙丽",
            "contact_phone": "13622223333",
            "member_count": 2,
            "activities": "书画交流",
        },
    )
    assert r.status_code == 200 and "member_count" in r.context["form"].errors
    r = c.post(
        "/portal/filings/new/",
        {
            "name": "龙博苑书画社",
            "community": cast.area("110114011001").pk,
            "leader_name": "孙丽",
            "contact_phone": "13622223333",
            "member_count": 8,
            "activities": "书画交流",
        },
    )
    assert r.status_code == 302
    assert Filing.objects.get(name="龙博苑书画社").state == "submitted"


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

    from huitian.models import Notification
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


def test_admin_queue_is_scoped_and_actions_call_services(cast, client_as):
    mine = RegistrationFactory(name="甲街道申请")
    RegistrationFactory(name="乙街道申请", home_area=cast.area("110114008001"))
    c = client_as(cast.street_a)
    page = c.get("/admin/registry/registrationapplication/").content.decode()
    assert "甲街道申请" in page and "乙街道申请" not in page
    r = c.post(
        "/admin/registry/registrationapplication/",
        {"action": "accept", "_selected_action": [mine.pk]},
        follow=True,
    )
    assert r.status_code == 200
    mine.refresh_from_db()
    assert mine.state == "accepted" and mine.decision_due
    # street staff may not approve: the refusal is a message, nothing changes
    r = c.post(
        "/admin/registry/registrationapplication/",
        {"action": "approve", "_selected_action": [mine.pk], "apply": "1", "uscc": ""},
        follow=True,
    )
    assert "您无权在此进行该操作" in r.content.decode()
    mine.refresh_from_db()
    assert mine.state == "accepted"
    # the district approves with a code through the action form
    from tests.registry.factories import make_uscc

    r = client_as(cast.district).post(
        "/admin/registry/registrationapplication/",
        {"action": "approve", "_selected_action": [mine.pk], "apply": "1", "uscc": make_uscc(42)},
        follow=True,
    )
    mine.refresh_from_db()
    assert mine.state == "approved" and mine.organization.uscc == make_uscc(42)


def test_admin_filing_actions(cast, client_as):
    f = FilingFactory()
    c = client_as(cast.community_a1)
    c.post("/admin/registry/filing/", {"action": "pass_review", "_selected_action": [f.pk]})
    f.refresh_from_db()
    assert f.state == "reviewed"
    client_as(cast.federation_a).post(
        "/admin/registry/filing/", {"action": "file_group", "_selected_action": [f.pk]}
    )
    f.refresh_from_db()
    assert f.state == "filed" and f.organization.filing_number


def test_admin_organization_list_query_count(cast, client_as, django_assert_max_num_queries):
    c = client_as(cast.district)
    for _ in range(3):
        OrganizationFactory()
    c.get("/admin/registry/organization/")  # warm the per-process caches (content types)
    with django_assert_max_num_queries(30) as first:
        assert c.get("/admin/registry/organization/").status_code == 200
    for _ in range(10):
        OrganizationFactory()
    with django_assert_max_num_queries(30) as second:
        c.get("/admin/registry/organization/")
    assert len(second.captured_queries) == len(first.captured_queries)
    assert Organization.objects.count() == 13


def test_admin_paper_application_outside_the_clerks_area_is_a_field_error(cast, client_as):
    c = client_as(cast.street_a)
    data = {
        "name": "纸质申请中心",
        "legal_form": "social_service",
        "registration_level": "district",
        "home_area": cast.area("110114008001").pk,
        "uscc": "",
        "legal_representative": "张明",
        "contact_name": "张明",
        "contact_phone": "13800138000",
        "purpose": "助老",
    }
    page = c.get("/admin/registry/registrationapplication/add/")
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    r = c.post("/admin/registry/registrationapplication/add/", data)
    assert r.status_code == 200
    assert "home_area" in r.context["adminform"].form.errors
    data["home_area"] = cast.area("110114011001").pk
    r = c.post("/admin/registry/registrationapplication/add/", data)
    assert r.status_code == 302, r.context["adminform"].form.errors
    app = RegistrationApplication.objects.get(name="纸质申请中心")
    assert app.channel == "paper" and app.state == "submitted"


def test_approval_reactivates_a_suspended_organization(cast):
    from registry import services
    from tests.registry.factories import make_uscc

    org = OrganizationFactory(status="suspended", uscc=make_uscc(61))
    app = RegistrationFactory(state="accepted", organization=org, uscc=org.uscc)
    services.approve_registration(application_id=app.pk, by=cast.district)
    org.refresh_from_db()
    assert org.status == "active"
    assert Organization.objects.filter(uscc=org.uscc).count() == 1


def test_admin_agency_record_for_a_registered_org_is_refused_beside_the_field(cast, client_as):
    registered = OrganizationFactory()
    group = OrganizationFactory(
        uscc=None, registration_level="filed", legal_form="community_group", filing_number="F-9"
    )
    c = client_as(cast.federation_a)
    data = {
        "kind": "errand",
        "date": "2026-03-01",
        "title": "代办登记",
        "organization": registered.pk,
    }
    r = c.post("/admin/registry/agencyrecord/add/", data)
    assert r.status_code == 200
    assert "organization" in r.context["adminform"].form.errors
    data["organization"] = group.pk
    r = c.post("/admin/registry/agencyrecord/add/", data)
    assert r.status_code == 302
    assert group.agency_records.get().recorded_by == cast.federation_a


def test_admin_deregistration_refusal_is_a_message(cast, client_as):
    from registry import services

    org = OrganizationFactory()
    dereg = services.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="解散"
    )
    services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    dereg.assets.create(description="打印机", value=800)
    r = client_as(cast.district).post(
        "/admin/registry/deregistration/",
        {"action": "deregister", "_selected_action": [dereg.pk]},
        follow=True,
    )
    assert "打印机" in r.content.decode()
    org.refresh_from_db()
    assert org.status == "liquidating"


def test_admin_change_page_of_an_application_is_read_only(cast, client_as):
    app = RegistrationFactory(name="只读申请")
    c = client_as(cast.street_a)
    url = f"/admin/registry/registrationapplication/{app.pk}/change/"
    page = c.get(url)
    assert page.status_code == 200
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data["name"] = "改名"
    assert c.post(url, data).status_code == 302
    app.refresh_from_db()
    assert app.name == "只读申请" and app.state == "submitted"


def test_registration_create_is_idempotent(cast):
    from tests.registry.test_registration import payload

    client = api_as(cast.resident)
    body = payload(cast)
    first = client.post("/api/v1/registrations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post("/api/v1/registrations/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert RegistrationApplication.objects.filter(applicant=cast.resident).count() == 1


def test_deadline_alert_task_runs_the_service(cast):
    import datetime

    from registry import tasks

    RegistrationFactory(state="accepted", decision_due=datetime.date(2000, 1, 3))
    assert tasks.send_registration_deadline_alerts.delay().get() == 1


def test_admin_auditor_gets_no_actions_that_would_do_nothing(cast, client_as):
    app = RegistrationFactory(name="审计只看")
    r = client_as(cast.auditor).get("/admin/registry/registrationapplication/")
    assert r.status_code == 200 and "审计只看" in r.content.decode()
    assert r.context["action_form"] is None
    client_as(cast.auditor).post(
        "/admin/registry/registrationapplication/",
        {"action": "accept", "_selected_action": [app.pk]},
    )
    app.refresh_from_db()
    assert app.state == "submitted"


def test_admin_approving_several_with_one_code_is_refused_on_the_form(cast, client_as):
    from tests.registry.factories import make_uscc

    first = RegistrationFactory(state="accepted")
    second = RegistrationFactory(state="accepted")
    r = client_as(cast.district).post(
        "/admin/registry/registrationapplication/",
        {
            "action": "approve",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "uscc": make_uscc(77),
        },
    )
    assert r.status_code == 200 and "一个代码只属于一个组织" in r.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == "accepted"


def test_admin_action_says_when_selected_rows_are_outside_the_clerks_areas(cast, client_as):
    from registry.admin import RegistrationApplicationAdmin

    mine = RegistrationFactory(name="本街道")
    other = RegistrationFactory(name="外街道", home_area=cast.area("110114008001"))
    c = client_as(cast.street_a)
    request = c.get("/admin/registry/registrationapplication/").wsgi_request
    request._messages = __import__(
        "django.contrib.messages.storage.fallback", fromlist=["FallbackStorage"]
    ).FallbackStorage(request)
    model_admin = RegistrationApplicationAdmin(RegistrationApplication, None)
    model_admin.accept(request, RegistrationApplication.objects.filter(pk__in=[mine.pk, other.pk]))
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.state == "accepted" and other.state == "submitted"
    texts = [str(m) for m in request._messages]
    assert any("不在您的工作范围内" in t for t in texts), texts


def test_portal_annual_report_submission_is_confirmed(cast, client_as):
    org = OrganizationFactory(name="年报确认")
    member = make_user("ar_member", Role.ORG_MEMBER, organization=org)
    r = client_as(member).post(
        f"/portal/organizations/{org.pk}/annual-report/",
        {"year": 2025, "summary": "开展活动", "income": "10", "expenditure": "5"},
        follow=True,
    )
    assert "年报确认 的 2025 年度报告已提交" in r.content.decode()


def test_portal_late_upload_or_resubmit_says_why_instead_of_doing_nothing(cast, client_as):
    app = RegistrationFactory(applicant=cast.resident, state="accepted")
    c = client_as(cast.resident)
    url = f"/portal/registrations/{app.pk}/"
    upload = SimpleUploadedFile("章程.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    r = c.post(url, {"step": "document", "title": "章程", "file": upload})
    said = [m for m in r.context["messages"] if m.level_tag == "error"]
    assert r.status_code == 200 and said, r.content.decode()[:500]
    r = c.post(url, {"step": "resubmit", "name": "改名"})
    # The service's own reason (why_not_update_registration), not a copy in the view.
    assert r.status_code == 200 and "只有草稿或退回补正的申请可以修改" in r.content.decode()
    app.refresh_from_db()
    assert app.name != "改名" and not app.documents.exists()


def test_portal_lists_only_the_users_own_records_in_constant_queries(
    cast, client_as, django_assert_max_num_queries
):
    mine = RegistrationFactory(name="我的申请", applicant=cast.resident)
    RegistrationFactory(name="别人的申请", applicant=cast.resident_other)
    FilingFactory(name="我的社区队伍", applicant=cast.resident)
    FilingFactory(name="别人的社区队伍", applicant=cast.resident_other)
    org = OrganizationFactory(name="我参加的组织")
    OrganizationFactory(name="我没参加的组织")
    assign_role(user=cast.resident, role=Role.ORG_MEMBER, organization=org)
    c = client_as(cast.resident)
    c.get("/portal/")  # warm the per-process caches
    with django_assert_max_num_queries(30) as first:
        page = c.get("/portal/").content.decode()
    assert "我的申请" in page and "我的社区队伍" in page
    assert "别人的申请" not in page and "别人的社区队伍" not in page
    assert "我参加的组织" in page and "我没参加的组织" not in page
    for n in range(5):
        RegistrationFactory(name=f"我的申请{n}", applicant=cast.resident)
        FilingFactory(name=f"我的社区队伍{n}", applicant=cast.resident)
    with django_assert_max_num_queries(30) as second:
        page = c.get("/portal/").content.decode()
    assert len(second.captured_queries) == len(first.captured_queries)
    assert f"/portal/registrations/{mine.pk}/" in page and "我的社区队伍4" in page


def test_admin_change_form_cannot_certify_an_organization(cast, client_as):
    """The certificate is the district's decision (decide_certification), not a form field a
    street clerk can type into."""
    org = OrganizationFactory(legal_form="social_enterprise")
    page = client_as(cast.district).get(f"/admin/registry/organization/{org.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="contact_phone"' in html  # the rest is editable
    assert 'name="certified_until"' not in html
    assert 'name="certificate_number"' not in html


def test_admin_certification_refusal_asks_for_the_reason_first(cast, client_as):
    from registry import services
    from registry.models import Certification, CertificationBatch

    se = OrganizationFactory(legal_form="social_enterprise")
    member = make_user("se_admin", Role.ORG_MEMBER, organization=se)
    CertificationBatch.objects.create(year=2026)
    cert = services.apply_for_certification(
        organization_id=se.pk, by=member, field="elderly", description="助餐"
    )
    c = client_as(cast.district)
    r = c.post(
        "/admin/registry/certification/", {"action": "refuse", "_selected_action": [cert.pk]}
    )
    assert r.status_code == 200 and 'name="reason"' in r.content.decode()
    cert.refresh_from_db()
    assert cert.state == "submitted"
    c.post(
        "/admin/registry/certification/",
        {"action": "refuse", "_selected_action": [cert.pk], "apply": "1", "reason": "材料不实"},
    )
    cert = Certification.objects.get(pk=cert.pk)
    assert cert.state == "refused" and cert.decision_note == "材料不实"


def test_admin_filing_change_page_is_read_only(cast, client_as):
    """Staff act on a filing through the actions; a clerk cannot rewrite the group's record
    (or move it to another community) by saving the change form."""
    f = FilingFactory(name="原队伍名")
    url = f"/admin/registry/filing/{f.pk}/change/"
    c = client_as(cast.community_a1)
    page = c.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "原队伍名" in html
    for field in ("name", "community", "categories", "leader_name", "activities"):
        assert f'name="{field}"' not in html
    c.post(url, {"name": "改过的名", "community": cast.area("110114008001").pk})
    f.refresh_from_db()
    assert f.name == "原队伍名" and f.community.code != "110114008001"


def test_admin_interview_and_agency_record_change_forms_follow_the_services_rules(cast, client_as):
    """Community staff see these rows in their area, but only the interviewing staff may
    change an interview and only the group's federation an agency record."""
    import datetime

    from registry import services
    from registry.models import AgencyRecord, Interview

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


def test_clerk_cannot_move_an_organization_out_of_their_area(cast, rf):
    from django.contrib import admin

    from registry.admin import OrganizationAdmin
    from registry.models import Organization
    from tests.conftest import COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B1
    from tests.registry.factories import OrganizationFactory

    org = OrganizationFactory(
        home_area=cast.area(COMMUNITY_A1),
        uscc=None,
        registration_level="filed",
        legal_form="community_group",
        filing_number="HTBA-MOVE-1",
    )
    request = rf.post("/")
    request.user = cast.street_a
    form_class = OrganizationAdmin(Organization, admin.site).get_form(request, org)
    bound = form_class(instance=org)
    data = {}
    for name in bound.fields:
        value = bound[name].value()
        if value is None:
            continue
        data[name] = [getattr(v, "pk", v) for v in value] if isinstance(value, list) else value
    data["home_area"] = cast.area(COMMUNITY_B1).pk
    refused = form_class(data=data, instance=org)
    assert not refused.is_valid()
    assert refused.errors["home_area"] == ["只能将社会组织的住所地设在您负责的区域内。"]
    data["home_area"] = cast.area(COMMUNITY_A2).pk
    assert (
        "home_area"
        not in form_class(data=data, instance=Organization.objects.get(pk=org.pk)).errors
    )
