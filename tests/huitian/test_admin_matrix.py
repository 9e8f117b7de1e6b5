"""Every admin door for every role (issue 7): one table-driven pass over `admin.site._registry`.

One record per model where a factory (or a one-line service call) exists, all placed
in community A1 of street A. For each role, every URL kind of every registered model:
changelist, change, add, delete, history, history form, password, autocomplete.
Asserted for each:
- residents, organization members and anonymous callers never get the admin;
- nobody gets a 5xx;
- no history URL ever accepts a POST (no revert, for anybody);
- read-only roles never write: no POST succeeds and every record is unchanged after;
- out-of-area users (street B, and the evaluator, an outside party) never see a
  scoped record: not 200 on change, delete, history or history form.
"""

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from credit import selectors as credit_selectors
from credit import services as credit_services
from credit.models import CreditEvent, StarModel, StarRating
from huitian import ledger
from huitian import services as kernel
from huitian.models import Area, CalendarYear, Category, Notification, Role
from procurement.services import evaluation, foundation, funds, spot_checks
from registry import services as registry_services
from tests.conftest import COMMUNITY_A1, STREET_A, make_user
from tests.procurement import factories as procurement_factories
from tests.procurement.factories import NeedFactory, OfferFactory
from tests.registry.factories import (
    FiledGroupFactory,
    FilingFactory,
    OrganizationFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db

READ_ONLY = {"auditor", "evaluator"}
OUT_OF_AREA = {"street_b", "evaluator"}
NO_ADMIN = {"resident", "member", "anonymous"}
ROLES = [
    "district",
    "street_a",
    "street_b",
    "community_a1",
    "federation_a",
    "auditor",
    "evaluator",
    "member",
    "resident",
    "anonymous",
]


def build_records(cast) -> dict:
    """One record per model that has a factory, all in community A1 (street A)."""
    org = OrganizationFactory()
    member = make_user("matrix_member", Role.ORG_MEMBER, organization=org)
    kernel.notify(recipients=[cast.street_a], kind="test", title="给街道A的消息")
    world = ledger.open_account(code="matrix:world", name="外部", kind="external")
    fund = ledger.open_account(
        code="matrix:fund", name="社区基金", kind="fund", area=cast.area(COMMUNITY_A1)
    )
    special = funds.special_fund()
    funds.fund_source(source_id=special.pk, amount="1", by=cast.district)
    budget = funds.allocate_budget(
        source_id=special.pk, area=cast.area(COMMUNITY_A1), year=2026, amount="1", by=cast.district
    )
    community_fund = foundation.open_foundation_fund(
        community=cast.area(COMMUNITY_A1), by=cast.district
    )
    donation = foundation.record_donation(
        fund_id=community_fund.pk,
        donor_kind="company",
        donor_name="矩阵公司",
        amount="50",
        by=cast.district,
    )
    records = [
        fund,
        budget,
        special,
        community_fund,
        donation,
        foundation.request_disbursement(
            fund_id=community_fund.pk,
            amount="5",
            purpose="测试",
            beneficiary="某驿站",
            by=cast.district,
        ),
        ledger.post(kind="donate", legs=[ledger.Leg(fund, world, "10")]),
        cast.area(COMMUNITY_A1),
        Category.objects.first(),
        CalendarYear.objects.first(),
        cast.resident,
        Notification.objects.get(recipient=cast.street_a),
        org,
        RegistrationFactory(),
        FilingFactory(),
        NeedFactory(),
        OfferFactory(),
        registry_services.hold_interview(
            organization_id=org.pk,
            by=cast.street_a,
            reason="other",
            held_on=datetime.date(2026, 4, 1),
        ),
        registry_services.open_deregistration(
            organization_id=org.pk, by=cast.district, kind="dissolution", reason="解散"
        ),
    ]
    entry = credit_services.enter_list(
        organization_id=org.pk,
        kind="anomaly",
        cause="unreachable",
        legal_basis="第九条第六项",
        by=cast.district,
    )
    group = FiledGroupFactory()
    credit_services.recompute_star_ratings(organization_ids=[group.pk])
    records += [
        entry,
        credit_services.submit_appeal(by=member, list_entry_id=entry.pk, grounds="地址无误"),
        CreditEvent.objects.get(organization=org, kind="list_entry"),
        StarModel.objects.first(),
        StarRating.objects.get(organization=group),
        *credit_records(cast, group),
    ]
    records += volunteer_records(cast, org, member)
    records += purchase_records(cast)
    records += supervision_records(cast)
    return {"member": member, "records": {type(r): r for r in records}}


def volunteer_records(cast, org, member) -> list:
    """Volunteers, teams, activities, projects, grants and training, all in community A1."""
    from tests.volunteers.factories import activity, volunteer
    from volunteers import services as vol
    from volunteers.models import PracticeSite, Team

    a1 = cast.area(COMMUNITY_A1)
    vol.ensure_community_teams()
    vol.ensure_practice_sites()
    team = Team.objects.get(kind="community", area=a1)
    person = volunteer(make_user("matrix_volunteer", Role.RESIDENT, a1))
    membership = vol.join_team(team_id=team.pk, by=cast.community_a1, volunteer_id=person.pk)
    act = activity(cast.community_a1)
    signup = vol.sign_up(activity_id=act.pk, by=person.user)
    project = vol.submit_project(
        by=member,
        organization=org,
        title="矩阵项目",
        summary="测试",
        themes=vol.ensure_themes(["理论宣讲"]),
    )
    vol.review_project(project_id=project.pk, by=cast.district, step="accept")
    site = PracticeSite.objects.get(area=a1)
    vol.contribute(amount="100", by=cast.district, note="矩阵")
    starts = act.starts_at
    course = vol.publish_course(
        by=cast.street_a,
        topic="矩阵课程",
        teacher="王老师",
        audience="volunteer",
        place="学院",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        capacity=5,
        credit_hours="2",
        area=cast.area(STREET_A),
        kind="exam_prep",
    )
    enrolment = vol.enrol(course_id=course.pk, by=cast.resident)
    base = vol.open_practice_base(
        by=cast.street_a, name="矩阵基地", university="某大学", area=a1, capacity=2
    )
    return [
        team,
        person,
        membership,
        act,
        signup,
        vol.issue_checkin_code(activity_id=act.pk, by=cast.community_a1),
        project,
        project.themes.first(),
        site,
        vol.pick_project(site_id=site.pk, project_id=project.pk, by=cast.community_a1),
        vol.apply_for_grant(
            team_id=team.pk, by=cast.community_a1, title="矩阵资助", purpose="测试", amount="10"
        ),
        course,
        enrolment,
        vol.set_requirement(by=cast.district, year=2026, audience="volunteer", hours="10"),
        vol.record_exam_result(
            enrolment_id=enrolment.pk,
            by=cast.street_a,
            level="assistant",
            exam_year=2026,
            passed=True,
        ),
        base,
        vol.place_student(
            base_id=base.pk,
            by=cast.street_a,
            student_name="张同学",
            major="社会工作",
            starts_on=datetime.date(2026, 7, 1),
            ends_on=datetime.date(2026, 8, 1),
        ),
    ]


def credit_records(cast, group) -> list:
    """Grades, public voice, honours and settings (credit C3, C5, C6). The evaluation is
    assigned to another evaluator: the cast's evaluator is an outsider to it."""
    registered = OrganizationFactory()
    rnd = credit_services.open_evaluation_round(by=cast.district, year=2026, name="矩阵评估")
    outside = make_user("matrix_evaluator", Role.EVALUATOR, cast.area(COMMUNITY_A1))
    evaluation = credit_services.assign_evaluation(
        by=cast.district, round_id=rnd.pk, organization_id=registered.pk, evaluator_id=outside.pk
    )
    need = NeedFactory(submitter=cast.resident, assigned_org=group)
    complaint = credit_services.file_complaint(by=cast.resident, need_id=need.pk, text="未到场")
    review = credit_services.rate_service(by=cast.resident, need_id=need.pk, rating=4)
    nomination = credit_services.nominate(
        by=cast.street_a,
        year=datetime.date.today().year,
        kind="pioneer",
        organization_id=registered.pk,
        grounds="治理创新",
    )
    return [
        credit_services.grade_model_in_force(),
        rnd,
        evaluation,
        complaint,
        review,
        nomination,
        credit_selectors.credit_settings(),
    ]


def purchase_records(cast) -> list:
    """A contract in service in street A (its project pre-reviewed by an evaluator other
    than the cast's, who stays an outside party here) and every record around it."""
    from procurement.models import ApplicationScore, ConflictDeclaration, ReviewerAssignment
    from procurement.services import contracts, projects
    from tests.procurement import factories as purchases

    street = cast.area(COMMUNITY_A1).parent
    contractor = OrganizationFactory(name="矩阵为老服务中心")
    contractor_member = purchases.member_of(contractor, "matrix_contractor")
    reviewer = make_user("matrix_purchase_evaluator", Role.EVALUATOR, street)
    contract = purchases.contract_in_service(
        cast.street_a,
        street,
        purchases.funded_budget(cast.district, street, amount="400000"),
        reviewer,
        contractor,
        contractor_member,
    )
    project, application = contract.project, contract.application
    assignment = ReviewerAssignment.objects.create(project=project, reviewer=reviewer)
    projects.declare_conflict(application, by=reviewer, has_conflict=False)
    ApplicationScore.objects.create(
        application=application, reviewer=reviewer, criterion="plan", points=30
    )
    period = contract.periods.get()
    installment = period.installments.first()
    report = contracts.submit_milestone_report(installment, by=contractor_member, text="完成")
    subcontractor = contracts.add_subcontractor(
        contract, by=contractor_member, name="某印刷厂", work="印制", is_core_service=False
    )
    return [
        project,
        application,
        project.award,
        assignment,
        ConflictDeclaration.objects.get(assignment=assignment),
        ApplicationScore.objects.get(application=application),
        contract,
        period,
        installment,
        report,
        subcontractor,
    ]


def supervision_records(cast) -> list:
    """Item 6's records on a contract in community A1 (pre-reviewed by another evaluator:
    the cast's evaluator is out)."""
    community = cast.area(COMMUNITY_A1)
    budget = procurement_factories.funded_budget(cast.district, community, amount="1000")
    organization = OrganizationFactory()
    member = procurement_factories.member_of(organization, "matrix_supervised")
    reviewer = make_user("matrix_pre_reviewer", Role.EVALUATOR, community)  # not the cast's
    contract = procurement_factories.contract_in_service(
        cast.street_a, community, budget, reviewer, organization, member, amount="1000"
    )
    period = contract.periods.get()
    procurement_factories.pay_non_final(period, cast.street_a, member)
    visit = evaluation.record_visit(
        contract_id=contract.pk,
        visited_on=datetime.date.today(),
        findings="台账齐全",
        by=cast.street_a,
    )
    action = evaluation.open_corrective_action(
        visit_id=visit.pk, description="补签到表", due=visit.visited_on, by=cast.street_a
    )
    survey = evaluation.record_survey_response(period_id=period.pk, rating=5, by=cast.street_a)
    check = spot_checks.draw_spot_check(
        area=cast.area(COMMUNITY_A1), label="2026", sample_size=1, seed=1, by=cast.street_a
    )
    evaluation.close_corrective_action(action_id=action.pk, note="已补签", by=cast.street_a)
    done = evaluation.evaluate_period(
        period_id=period.pk, quantity_score="90", quality_score="90", by=cast.street_a
    )
    return [visit, action, survey, done, check, check.items.get()]


def snapshot(records) -> dict:
    return {
        model: model._default_manager.filter(pk=obj.pk).values().first()
        for model, obj in records.items()
    } | {model: model._default_manager.count() for model in admin.site._registry}


def url(model, kind, *args) -> str | None:
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}_{kind}"
    try:
        return reverse(info, args=args)
    except NoReverseMatch:
        return None


def urls_for(model, obj) -> list[tuple[str, str]]:
    """(kind, url) of every admin URL of the model, with this record's id or a missing one."""
    pk = obj.pk if obj is not None else 987654
    found = [
        ("changelist", url(model, "changelist")),
        ("add", url(model, "add")),
        ("history", url(model, "history", pk)),
    ]
    if obj is not None:
        found += [
            ("change", url(model, "change", pk)),
            ("delete", url(model, "delete", pk)),
            ("password", url(model, "password_change", pk)),
        ]
    history = getattr(obj, "history", None) if obj is not None else None
    latest = history.order_by("-history_id").first() if history is not None else None
    version = latest.history_id if latest is not None else 1
    found.append(("history_form", url(model, "simple_history", pk, version)))
    return [(kind, u) for kind, u in found if u]


def is_public(model) -> bool:
    scope = getattr(model, "scope", None)
    return bool(scope and scope.public)


@pytest.mark.parametrize("who", ROLES)
def test_every_admin_url_for_every_role(cast, who):
    built = build_records(cast)
    records = built["records"]
    user = {"anonymous": None, "member": built["member"]}.get(who) or getattr(cast, who, None)
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    before = snapshot(records)
    problems = []

    for model in admin.site._registry:
        obj = records.get(model)
        for kind, address in urls_for(model, obj):
            for method in ("get", "post"):
                if (
                    (method == "post" and kind == "changelist")
                    # without a record: the list, and the writes to add and history
                    or (obj is None and method == "get" and kind != "changelist")
                    or (who in NO_ADMIN and kind not in ("changelist", "change", "history_form"))
                ):
                    continue
                data = {"post": "yes"} if kind == "delete" else {}
                r = getattr(client, method)(address, data)
                code, where = r.status_code, r.get("Location", "")
                label = f"{who} {method.upper()} {kind} {model._meta.label}: {code} {where}"
                if code >= 500:
                    problems.append(label)
                if who in NO_ADMIN:
                    if not (code == 302 and "/admin/login/" in where):
                        problems.append(label + " (no admin for this role)")
                    continue
                # 302 to the index: Django's own log page saying the row does not exist.
                refused = code in (403, 404) or (code == 302 and where == "/admin/")
                if method == "post" and kind in ("history", "history_form") and not refused:
                    problems.append(label + " (history accepted a POST)")
                if method == "post" and who in READ_ONLY and code in (200, 201):
                    problems.append(label + " (read-only role got 200 on a write)")
                if (
                    obj is not None
                    and who in OUT_OF_AREA
                    and not is_public(model)
                    and kind in ("change", "delete", "history", "history_form", "password")
                    and code == 200
                ):
                    problems.append(label + " (out-of-area user sees the record)")

    if who in READ_ONLY or who in NO_ADMIN or who in OUT_OF_AREA:
        assert snapshot(records) == before, f"{who} changed something"
    assert problems == []


@pytest.mark.parametrize("who", ["street_b", "evaluator", "community_a1"])
def test_autocomplete_offers_only_what_the_user_sees(cast, client_as, who):
    """Autocomplete is a door too: the organization picker of a user's role form."""
    org = OrganizationFactory(name="回龙观自动补全测试社")
    page = client_as(getattr(cast, who)).get(
        "/admin/autocomplete/",
        {
            "app_label": "huitian",
            "model_name": "roleassignment",
            "field_name": "organization",
            "term": "自动补全",
        },
    )
    names = [row["text"] for row in page.json()["results"]] if page.status_code == 200 else []
    assert (org.name in names) == (who == "community_a1"), (page.status_code, names)


def test_area_autocomplete_is_public_reference_data(cast, client_as):
    page = client_as(cast.street_b).get(
        "/admin/autocomplete/",
        {"app_label": "huitian", "model_name": "roleassignment", "field_name": "area"},
    )
    assert page.status_code == 200 and page.json()["results"]
    assert Area.objects.exists()
