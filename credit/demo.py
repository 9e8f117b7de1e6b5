"""Credit demo data: community groups at every star level, registered organizations at
every grade (1A–5A), organizations on each list, honours, ratings and verified complaints.

Everything goes through the services (registry's, procurement's, credit's); idempotent:
a second run finds the groups, their listings and responses and changes nothing."""

import datetime

from django.utils import timezone

from credit import services
from credit.models import ListEntry, StarRating
from huitian.models import Area, Category, Role, User
from huitian.services import assign_role
from registry.models import AnnualReport, Organization

COMMUNITY = "110114011001"
# name, stars wanted, how: report conclusion, credit effect, list, whistle responses
GROUPS = [
    ("龙博苑邻里守望队", 1, "fail", -60, "dishonesty", 0),
    ("龙博苑书画社", 2, "", 0, "", 0),
    ("龙博苑合唱团", 3, "pass", 0, "", 0),
    ("龙博苑助老服务队", 4, "pass", 30, "", 0),
    ("龙博苑社区应急志愿队", 5, "pass", 30, "", 4),
]
ANOMALY_ORG = "龙博苑读书会"


def seed(*, users: dict, stdout) -> None:
    district = users[Role.DISTRICT_ADMIN]
    community = Area.objects.get(code=COMMUNITY)
    today = timezone.localdate()
    groups = {}
    for n, (name, _stars, conclusion, effect, listed, responses) in enumerate(
        [*GROUPS, (ANOMALY_ORG, 0, "", 0, "anomaly", 0)]
    ):
        org, created = Organization.objects.get_or_create(
            name=name,
            defaults={
                "legal_form": Organization.LegalForm.COMMUNITY_GROUP,
                "registration_level": Organization.RegistrationLevel.FILED,
                "filing_number": f"HTBA-CREDIT-{n + 1:03d}",
                "home_area": community,
                "contact_phone": "13900001111",
            },
        )
        groups[name] = org
        if not created:
            continue
        org.service_areas.set([community])
        if conclusion:
            report = AnnualReport.objects.create(
                organization=org, year=today.year - 1, summary="年度活动总结", submitted_by=None
            )
            from registry import services as registry_services

            registry_services.conclude_annual_report(
                report_id=report.pk, by=district, conclusion=conclusion
            )
        if effect:
            services.record_credit_event(
                organization_id=org.pk,
                kind=services.EventKind.HONOUR
                if effect > 0
                else services.EventKind.WHISTLE_NO_SHOW,
                summary="街道表彰优秀社区社会组织" if effect > 0 else "多次吹哨未报到",
                effect=effect,
                by=district,
            )
        if listed:
            services.enter_list(
                organization_id=org.pk,
                kind=listed,
                cause="heavy_penalty" if listed == "dishonesty" else "unreachable",
                legal_basis="《社会组织信用信息管理办法》（演示数据）",
                by=district,
            )
        if responses:
            _answer_whistle_calls(org, community, responses, users)
    _grades(users, community, stdout)
    _voice(users, groups[ANOMALY_ORG], community, stdout)
    _honours(users, groups, community)
    services.recompute_star_ratings()
    levels = sorted(
        {
            r.stars
            for r in StarRating.objects.filter(organization__in=groups.values()).order_by(
                "organization_id", "computed_at", "pk"
            )
        }
    )
    listed = ListEntry.objects.filter(state=ListEntry.State.LISTED).count()
    stdout.write(f"credit: star levels {levels}, {listed} organizations on the lists\n")


def _answer_whistle_calls(org, community, count: int, users: dict) -> None:
    """Activity for the five-star group: it answers the community's whistle calls."""
    from procurement.services import whistle

    member, _ = User.objects.get_or_create(username="demo_credit_member")
    assign_role(user=member, role=Role.ORG_MEMBER, organization=org)
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    for i in range(count):
        call = whistle.raise_whistle_call(
            by=users[Role.COMMUNITY_STAFF],
            community=community,
            category=category,
            problem=f"演示：楼道应急疏导第{i + 1}次",
            urgency=1,
            deadline=timezone.localdate() + datetime.timedelta(days=7),
        )
        whistle.respond_to_call(
            call_id=call.pk, organization_id=org.pk, by=member, brings="队员四名，应急物资"
        )


# Registered organizations graded 1A–5A in the demo round (total of 1000 points).
GRADED = [
    ("回天阳光社会工作服务中心", 960),
    ("回龙观社区发展促进会", 910),
    ("天通苑邻里互助服务中心", 820),
    ("霍营文化体育协会", 720),
    ("史各庄青少年成长服务中心", 630),
]
ROUND_NAME = "2026年度社会组织等级评估（演示）"


def _grades(users: dict, community, stdout) -> None:
    from stdnum.cn import uscc

    from credit.models import Evaluation, EvaluationRound

    district = users[Role.DISTRICT_ADMIN]
    evaluator = users.get(Role.EVALUATOR)
    if evaluator is None:
        return
    rnd = EvaluationRound.objects.filter(name=ROUND_NAME).first() or (
        services.open_evaluation_round(by=district, year=2026, name=ROUND_NAME)
    )
    for n, (name, total) in enumerate(GRADED):
        body = f"52110114MJCREDT{n:02d}"[:17]
        org, _created = Organization.objects.get_or_create(
            name=name,
            defaults={
                "legal_form": Organization.LegalForm.SOCIAL_SERVICE,
                "registration_level": Organization.RegistrationLevel.DISTRICT,
                "uscc": body + uscc.calc_check_digit(body),
                "home_area": community,
                "contact_phone": "13900002222",
            },
        )
        if Evaluation.objects.filter(round=rnd, organization=org).exists():
            continue
        evaluation = services.assign_evaluation(
            by=district, round_id=rnd.pk, organization_id=org.pk, evaluator_id=evaluator.pk
        )
        scores = {
            "basic": round(total * 0.06, 1),
            "governance": round(total * 0.4, 1),
            "performance": round(total * 0.44, 1),
        }
        scores["social"] = round(total - sum(scores.values()), 1)
        services.enter_scores(
            by=evaluator,
            evaluation_id=evaluation.pk,
            scores=scores,
            comments="制度健全，财务规范，服务对象满意度较高（演示）",
        )
        services.award_grade(by=district, evaluation_id=evaluation.pk)
    stdout.write(f"credit: grades {sorted(e.grade for e in rnd.evaluations.all())}\n")


def _voice(users: dict, org, community, stdout) -> None:
    """A resident's needs handled by the anomaly-listed group: ratings, three verified
    complaints in a week (the supervising staff are told of the spike), one pending."""
    from credit.models import Complaint
    from procurement.models import Need

    resident = users.get(Role.RESIDENT)
    street = users.get(Role.STREET_STAFF)
    if resident is None or street is None or Complaint.objects.filter(organization=org).exists():
        return
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    texts = [
        "约好的上门维修没有人来，也没有电话通知",
        "活动临时取消，没有提前告知报名的老人",
        "服务人员态度生硬，拒绝登记老人的需求",
        "说好每周巡访，两周没见到人",
    ]
    for i, text in enumerate(texts):
        need = Need.objects.create(
            channel=Need.Channel.WEB_FORM,
            community=community,
            category=category,
            title=f"演示：读书会服务需求{i + 1}",
            text="请社区社会组织协助（演示数据）",
            contact_name="王秀英",
            contact_phone="13812345678",
            submitter=resident,
            assigned_org=org,
            resolved_at=timezone.now(),
            satisfaction=2,
        )
        services.rate_service(by=resident, need_id=need.pk, rating=2, comment="有待改进")
        complaint = services.file_complaint(by=resident, need_id=need.pk, text=text)
        if i < 3:
            services.decide_complaint(
                by=street, complaint_id=complaint.pk, verified=True, reason="电话回访核实属实"
            )
    stdout.write("credit: 4 complaints (3 verified, a spike notice), 4 ratings\n")


def _honours(users: dict, groups: dict, community) -> None:
    from credit.models import Nomination

    district = users[Role.DISTRICT_ADMIN]
    year = timezone.localdate().year - 1
    if Nomination.objects.filter(year=year).exists():
        return
    graded = Organization.objects.filter(name=GRADED[0][0]).first()
    picks = [
        ("excellent_org", {"organization_id": groups[GROUPS[-1][0]].pk}, True),
        ("excellent_community", {"community_id": community.pk}, True),
        ("pioneer", {"organization_id": groups[GROUPS[3][0]].pk}, True),
        ("pioneer", {"organization_id": groups[GROUPS[2][0]].pk}, False),
    ]
    if graded is not None:
        picks.append(
            (
                "brand_project",
                {"organization_id": graded.pk, "project_name": "银龄食堂助餐服务"},
                True,
            )
        )
    for kind, nominee, select in picks:
        nomination = services.nominate(
            by=district,
            year=year,
            kind=kind,
            grounds="群众认可度高，示范作用明显（演示）",
            **nominee,
        )
        services.decide_nomination(
            by=district,
            nomination_id=nomination.pk,
            select=select,
            reason="评审通过" if select else "名额有限，明年再评",
        )
