"""Direct registration (R2) through the API: happy path, refusals, permission matrix."""

import datetime
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from huitian.access import Forbidden
from huitian.models import Category, Notification, Role
from huitian.services import assign_role
from huitian.workflow import transitions_of
from registry import services
from registry.models import (
    Organization,
    RegistrationApplication,
)
from tests.conftest import api_as, make_user
from tests.registry.factories import (
    FilingFactory,
    OrganizationFactory,
    RegistrationFactory,
    make_uscc,
)
from tests.registry.helpers import pinned_list_queries

pytestmark = pytest.mark.django_db


URL = "/api/v1/registrations/"


def payload(cast, **extra):
    data = {
        "name": "回天助老服务中心",
        "legal_form": "social_service",
        "registration_level": "district",
        "home_area": cast.area("110114011001").pk,
        "categories": ["elderly"],
        "legal_representative": "张明",
        "contact_name": "张明",
        "contact_phone": "13800138000",
        "purpose": "为社区老人提供助餐服务",
    }
    data.update(extra)
    return data


MATRIX = {
    # role: (accept, approve)
    "district": (200, 200),
    "street_a": (200, 403),
    "federation_a": (403, 403),
    "community_a1": (403, 403),
    "auditor": (403, 403),
    "evaluator": (403, 403),  # a read-only role: refused before any lookup
    "street_b": (404, 404),
    "community_b1": (404, 404),
    "resident_other": (404, 404),
}


def test_registrations_list_queries(cast, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            app = RegistrationFactory()
            app.categories.set(Category.objects.filter(code="elderly"))

    # count, page, categories, documents (the caller's grants are cached on the user)
    pinned_list_queries(
        django_assert_num_queries, api_as(cast.street_a), "/api/v1/registrations/", make, 4
    )


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
    # street staff may not approve: the step is not offered, and forcing it changes nothing
    assert 'value="approve"' not in page
    r = c.post(
        "/admin/registry/registrationapplication/",
        {"action": "approve", "_selected_action": [mine.pk], "apply": "1", "uscc": ""},
        follow=True,
    )
    assert r.status_code == 200
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


def test_full_journey_creates_the_organization(cast):
    applicant = cast.resident
    r = api_as(applicant).post(URL, payload(cast), format="json")
    assert r.status_code == 201, r.json()
    app_id = r.json()["id"]
    assert r.json()["state"] == "submitted"
    assert Notification.objects.filter(recipient=cast.street_a).exists()

    r = api_as(cast.street_a).post(f"{URL}{app_id}/return/", {"missing_items": ["章程"]})
    assert r.status_code == 200 and r.json()["missing_items"] == ["章程"]
    assert api_as(applicant).get(f"{URL}{app_id}/").json()["state"] == "returned"

    r = api_as(applicant).patch(f"{URL}{app_id}/", {"purpose": "助餐与探访"}, format="json")
    assert r.status_code == 200
    assert api_as(applicant).post(f"{URL}{app_id}/submit/").json()["missing_items"] == []

    r = api_as(cast.street_a).post(f"{URL}{app_id}/accept/")
    assert r.status_code == 200
    assert r.json()["decision_due"]

    code = make_uscc(77)
    r = api_as(cast.district).post(f"{URL}{app_id}/approve/", {"uscc": code})
    assert r.status_code == 200, r.json()
    org = Organization.objects.get(uscc=code)
    assert r.json()["organization"] == org.pk
    assert org.status == "active" and org.home_area.code == "110114011001"
    assert [c.code for c in org.categories.all()] == ["elderly"]
    # The applicant now acts for the organization.
    assert org.pk in [
        g.organization_id
        for g in __import__("huitian.access").access.grants(
            type(applicant).objects.get(pk=applicant.pk)
        )
    ]
    steps = [t.step for t in transitions_of(RegistrationApplication.objects.get(pk=app_id))]
    assert steps == ["create", "submit", "return", "submit", "accept", "approve"]


def test_reject_needs_a_reason(cast):
    app = RegistrationFactory(state="accepted")
    r = api_as(cast.district).post(f"{URL}{app.pk}/reject/", {"reason": ""})
    assert r.status_code == 400
    r = api_as(cast.district).post(f"{URL}{app.pk}/reject/", {"reason": "名称重复"})
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    assert r.json()["decision_note"] == "名称重复"


def test_return_without_items_is_refused(cast):
    app = RegistrationFactory()
    r = api_as(cast.street_a).post(f"{URL}{app.pk}/return/", {"missing_items": []}, format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "missing_items_required"
    assert RegistrationApplication.objects.get(pk=app.pk).state == "submitted"


@pytest.mark.parametrize(
    "state,step,data",
    [
        ("submitted", "approve", {"uscc": ""}),
        ("submitted", "reject", {"reason": "x"}),
        ("returned", "accept", {}),
        ("approved", "accept", {}),
        ("rejected", "approve", {}),
    ],
)
def test_skipping_a_state_is_409_and_writes_nothing(cast, state, step, data):
    app = RegistrationFactory(state=state)
    r = api_as(cast.district).post(f"{URL}{app.pk}/{step}/", data)
    assert r.status_code == 409, r.json()
    assert r.json()["code"] == "illegal_transition"
    app.refresh_from_db()
    assert app.state == state and app.organization_id is None
    assert not transitions_of(app).exists()


def test_approve_without_a_code_is_a_field_error(cast):
    app = RegistrationFactory(state="accepted")
    r = api_as(cast.district).post(f"{URL}{app.pk}/approve/", {})
    assert r.status_code == 400
    assert "uscc" in r.json()["fields"]
    assert RegistrationApplication.objects.get(pk=app.pk).state == "accepted"


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(cast, who):
    user = getattr(cast, who)
    accept_status, approve_status = MATRIX[who]
    app = RegistrationFactory()
    r = api_as(user).post(f"{URL}{app.pk}/accept/")
    assert r.status_code == accept_status, r.json()
    accepted = RegistrationFactory(state="accepted")
    r = api_as(user).post(f"{URL}{accepted.pk}/approve/", {"uscc": make_uscc(500)})
    assert r.status_code == approve_status, r.json()
    if approve_status != 200:
        assert RegistrationApplication.objects.get(pk=accepted.pk).state == "accepted"


def test_applicant_sees_own_applications_only(cast):
    mine = RegistrationFactory(applicant=cast.resident)
    RegistrationFactory(applicant=cast.resident_other)
    r = api_as(cast.resident).get(URL)
    assert [row["id"] for row in r.json()["results"]] == [mine.pk]
    # and cannot act as staff on their own application
    assert api_as(cast.resident).post(f"{URL}{mine.pk}/accept/").status_code == 403
    assert api_as(cast.resident_other).get(f"{URL}{mine.pk}/").status_code == 404


def test_paper_application_entered_by_staff(cast):
    app = services.create_registration(
        by=cast.street_a,
        data={
            **{k: v for k, v in payload(cast).items() if k not in ("categories", "home_area")},
            "home_area": cast.area("110114011001"),
        },
        paper=True,
        submit=True,
    )
    assert app.channel == "paper" and app.state == "submitted" and app.applicant is None


def test_paper_application_by_a_resident_is_refused(cast):

    with pytest.raises(Forbidden):
        services.create_registration(
            by=cast.resident,
            data={
                "name": "x",
                "legal_form": "social_service",
                "home_area": cast.area("110114011001"),
                "legal_representative": "a",
                "contact_name": "a",
                "contact_phone": "13800138000",
                "purpose": "p",
            },
            paper=True,
        )


def test_community_group_cannot_register_directly(cast):
    r = api_as(cast.resident).post(URL, payload(cast, legal_form="community_group"), format="json")
    assert r.status_code == 400
    assert "legal_form" in r.json()["fields"]


@pytest.mark.parametrize(
    "code,fragment",
    [
        ("52110114MJ000000", "18"),  # too short
        (make_uscc(5)[:-1] + ("0" if make_uscc(5)[-1] != "0" else "1"), "check digit"),
        (make_uscc(5)[:8] + "mj" + make_uscc(5)[10:], "capital"),
    ],
)
def test_bad_uscc_says_what_is_wrong(cast, code, fragment):
    from django.utils import translation

    with translation.override("en"):
        r = api_as(cast.resident).post(
            URL, payload(cast, uscc=code), format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
    assert r.status_code == 400
    assert fragment in " ".join(r.json()["fields"]["uscc"])


def test_duplicate_uscc_names_the_holder_only_to_staff(cast):
    holder = OrganizationFactory(name="已登记的老组织")
    r = api_as(cast.resident).post(URL, payload(cast, uscc=holder.uscc), format="json")
    assert r.status_code == 400
    assert "已登记的老组织" not in str(r.json())
    app = RegistrationFactory(state="accepted")
    r = api_as(cast.district).post(f"{URL}{app.pk}/approve/", {"uscc": holder.uscc})
    assert r.status_code == 400
    assert "已登记的老组织" in " ".join(r.json()["fields"]["uscc"])


def test_chinese_error_messages_by_default(cast):
    r = api_as(cast.resident).post(URL, payload(cast, uscc="123"), format="json")
    assert (
        "18" in r.json()["fields"]["uscc"][0]
        and "统一社会信用代码" in r.json()["fields"]["uscc"][0]
    )


def test_deadline_skips_national_day_and_counts_adjusted_weekends(cast):
    app = RegistrationFactory()
    services.accept_registration(
        application_id=app.pk, by=cast.district, today=datetime.date(2025, 9, 26)
    )
    app.refresh_from_db()
    # Sun 28 Sep and Sat 11 Oct 2025 are working days (调休); 1–8 Oct are holidays.
    assert app.decision_due == datetime.date(2025, 10, 16)


def test_deadline_skips_spring_festival(cast):
    app = RegistrationFactory()
    services.accept_registration(
        application_id=app.pk, by=cast.district, today=datetime.date(2026, 2, 12)
    )
    app.refresh_from_db()
    assert app.decision_due == datetime.date(2026, 3, 4)


def test_queue_shows_days_left_near_due_and_overdue(cast):
    today = datetime.date(2025, 10, 14)
    far = RegistrationFactory(state="accepted", decision_due=datetime.date(2025, 10, 31))
    near = RegistrationFactory(state="accepted", decision_due=datetime.date(2025, 10, 16))
    late = RegistrationFactory(state="accepted", decision_due=datetime.date(2025, 10, 10))
    from registry.selectors import registration_queue

    rows = {a.pk: a for a in registration_queue(cast.street_a, today=today)}
    assert rows[near.pk].days_left == 2 and rows[near.pk].is_near_due
    # Overdue by 3: Sat 11 Oct (an adjusted working day), Mon 13 and Tue 14 Oct.
    assert rows[late.pk].days_left == -3 and rows[late.pk].is_overdue
    assert not rows[far.pk].is_near_due and not rows[far.pk].is_overdue
    assert registration_queue(cast.street_b, today=today) == []


def test_deadline_alerts_once_a_day(cast):
    today = datetime.date(2025, 10, 14)
    near = RegistrationFactory(state="accepted", decision_due=datetime.date(2025, 10, 16))
    RegistrationFactory(state="accepted", decision_due=datetime.date(2025, 10, 31))
    assert services.registration_deadline_alerts(today=today) == 1
    assert services.registration_deadline_alerts(today=today) == 0
    titles = list(
        Notification.objects.filter(
            recipient=cast.street_a, kind="registry.registration_deadline"
        ).values_list("title", flat=True)
    )
    assert len(titles) == 1 and near.name in titles[0]
    assert not Notification.objects.filter(
        recipient=cast.street_b, kind="registry.registration_deadline"
    ).exists()
    assert services.registration_deadline_alerts(today=today + datetime.timedelta(days=1)) == 1


def test_queue_endpoint(cast):
    RegistrationFactory(state="accepted", decision_due=datetime.date(2099, 1, 1))
    r = api_as(cast.street_a).get(f"{URL}queue/")
    assert r.status_code == 200 and r.json()[0]["days_left"] > 0
    assert api_as(cast.resident).get(f"{URL}queue/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_make_one_approval():
    from huitian import services as kernel
    from huitian.models import Area, Category
    from huitian.taxonomy import seed_categories

    kernel.load_areas()
    kernel.seed_calendar_from_package()
    seed_categories(Category)
    district = Area.objects.get(code="110114")
    a = make_user("race_a", Role.DISTRICT_ADMIN, district)
    b = make_user("race_b", Role.DISTRICT_ADMIN, district)
    app = RegistrationFactory(state="accepted")
    results = []
    barrier = threading.Barrier(2)

    def approve(user, code):
        try:
            barrier.wait()
            services.approve_registration(application_id=app.pk, by=user, uscc=code)
            results.append("ok")
        except Exception as exc:  # the loser's refusal
            results.append(getattr(exc, "code", type(exc).__name__))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(u, make_uscc(900 + i))) for i, u in enumerate([a, b])
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["illegal_transition", "ok"]
    assert Organization.objects.filter(registration_applications=app).count() == 1
    assert transitions_of(app).filter(step="approve").count() == 1


def test_upload_limits(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = RegistrationFactory(applicant=cast.resident)
    url = f"{URL}{app.pk}/documents/"
    ok = SimpleUploadedFile("章程.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = api_as(cast.resident).post(url, {"title": "章程", "file": ok}, format="multipart")
    assert r.status_code == 201, r.json()
    exe = SimpleUploadedFile("virus.exe", b"MZ....", content_type="application/octet-stream")
    r = api_as(cast.resident).post(url, {"title": "x", "file": exe}, format="multipart")
    assert r.status_code == 400 and "exe" in str(r.json()["fields"])
    fake = SimpleUploadedFile("fake.pdf", b"MZ not a pdf", content_type="application/pdf")
    r = api_as(cast.resident).post(url, {"title": "x", "file": fake}, format="multipart")
    assert r.status_code == 400 and "PDF" in str(r.json()["fields"])
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1))
    r = api_as(cast.resident).post(url, {"title": "x", "file": big}, format="multipart")
    assert r.status_code == 400 and "MB" in str(r.json()["fields"])
    assert app.documents.count() == 1


def test_a_draft_stays_with_its_applicant_until_submitted(cast):
    draft = RegistrationFactory(applicant=cast.resident, state="draft")
    assert api_as(cast.street_a).get(f"{URL}{draft.pk}/").status_code == 404
    assert api_as(cast.street_a).post(f"{URL}{draft.pk}/accept/").status_code == 404
    assert api_as(cast.resident).get(f"{URL}{draft.pk}/").status_code == 200
    assert api_as(cast.resident).post(f"{URL}{draft.pk}/submit/").status_code == 200
    assert api_as(cast.street_a).get(f"{URL}{draft.pk}/").status_code == 200


def test_paper_application_with_a_taken_code_names_the_holder_beside_the_field(cast, client_as):
    """The rule lives in check_uscc (the admin form no longer repeats it); staff learn who
    holds the code, beside the field."""
    from tests.registry.factories import make_uscc
    from tests.registry.helpers import form_data

    holder = OrganizationFactory(name="已登记的中心", uscc=make_uscc(5501))
    c = client_as(cast.street_a)
    url = "/admin/registry/registrationapplication/add/"
    data = form_data(c.get(url))
    data.update(
        {
            "name": "纸质申请",
            "legal_form": "social_service",
            "registration_level": "district",
            "home_area": cast.area("110114011001").pk,
            "uscc": holder.uscc,
            "legal_representative": "张明",
            "contact_name": "张明",
            "contact_phone": "13800138000",
            "purpose": "助老",
        }
    )
    r = c.post(url, data)
    assert r.status_code == 200
    (message,) = r.context["adminform"].form.errors["uscc"]
    assert "已登记的中心" in message and str(holder.pk) in message
    assert not RegistrationApplication.objects.filter(name="纸质申请").exists()


def test_why_not_update_registration_says_who_and_when(cast):
    app = RegistrationFactory(applicant=cast.resident, state="returned")
    assert services.why_not_update_registration(application=app, by=cast.resident) == []
    assert services.why_not_update_registration(application=app, by=cast.resident_other)
    app.state = "accepted"
    (reason,) = services.why_not_update_registration(application=app, by=cast.resident)
    assert "只有草稿或退回补正的申请可以修改" in reason
