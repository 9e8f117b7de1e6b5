"""Credit demo data: community groups at every star level, organizations on each list.

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
