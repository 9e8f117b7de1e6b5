"""Demo data: a team for every community, volunteers, past activities with check-ins and
confirmed hours, upcoming ones with sign-ups, a copied activity (复制推广), projects in the
practice library picked by a station, fund grants paid through the ledger, and college
courses with attendance, an exam class with pass records and a practice base.

Idempotent (natural keys: usernames, activity title + community). Upcoming activities go
through the services; past ones cannot (nothing is published in the past), so their
rows are written directly, as an organizer's records of what happened.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from stdnum.cn import ric

from huitian.models import Area, Role
from volunteers import services
from volunteers.models import (
    Activity,
    Course,
    DutyKind,
    Enrolment,
    Grant,
    PracticeBase,
    PracticeProject,
    PracticeSite,
    Signup,
    Team,
    Volunteer,
)

# Placeholders: the plan names the 社区八大员 without listing them; staff edit the list.
DUTY_KINDS = [
    "治安巡逻员",
    "环境监督员",
    "文明引导员",
    "矛盾调解员",
    "助老服务员",
    "政策宣传员",
    "安全检查员",
    "应急救援员",
]
NAMES = ["刘洋", "陈静", "杨帆", "黄磊", "周敏", "吴昊", "徐丽", "孙强", "马超", "朱琳"]
PAST = [
    ("社区环境清洁日", Activity.Category.ENVIRONMENT, "社区中心广场", 21, 3),
    ("独居老人探访", Activity.Category.ELDERLY, "社区养老驿站", 14, 2),
    ("垃圾分类桶前值守", Activity.Category.ENVIRONMENT, "3号楼桶站", 7, 2),
]
UPCOMING = [
    ("周末课后托管志愿服务", Activity.Category.CHILDREN, "社区儿童之家", 3, 3, 0),
    ("文明养犬宣传", Activity.Category.CULTURE, "社区西门", 5, 2, 16),
    ("夜间安全巡逻", Activity.Category.SAFETY, "小区主干道", 9, 2, 18),
]


def _id_number(n: int) -> str:
    body = f"110108{1970 + n % 40}0{1 + n % 9}1{n % 10}{n:03d}"  # a region stdnum knows
    return body + ric.calc_check_digit(body + "0")


def _volunteers(community: Area, users: dict) -> list[Volunteer]:
    from huitian.management.commands.seed_demo import ensure_demo_user
    from huitian.services import assign_role

    people = []
    resident = users.get(Role.RESIDENT)
    if resident is not None and not Volunteer.objects.filter(user=resident).exists():
        services.register_volunteer(
            by=resident,
            real_name="王小回",
            id_number=_id_number(99),
            phone="13800010099",
            community=community,
            skills="摄影、急救",
            availability="周末",
        )
    for i, name in enumerate(NAMES):
        user = ensure_demo_user(f"demo_volunteer{i + 1:02d}", name)
        volunteer = Volunteer.objects.filter(user=user).first()
        if volunteer is None:
            assign_role(user=user, role=Role.RESIDENT, area=community)
            volunteer = services.register_volunteer(
                by=user,
                real_name=name,
                id_number=_id_number(i + 1),
                phone=f"1380001{i + 1:04d}",
                community=community,
                skills=["急救", "书法", "电脑维修", "心理疏导", ""][i % 5],
                availability="工作日晚上" if i % 2 else "周末",
            )
        people.append(volunteer)
    return people


def _past(staff, community: Area, people: list[Volunteer], also: list) -> list[Activity]:
    """Past activities with confirmed hours; the demo resident served in each too, so
    their hours and certificate pages have something to show."""
    done = []
    # Local (Beijing) clock hours: activities start at 09:00 and 14:00 as people read them.
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for title, category, place, days_ago, hours in PAST:
        activity = Activity.objects.filter(title=title, community=community).first()
        if activity is None:
            starts = (now - datetime.timedelta(days=days_ago)).replace(hour=9)
            activity = Activity(
                title=title,
                category=category,
                place=place,
                community=community,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=hours),
                places=8,
                published_by=staff,
            )
            activity._history_user = staff
            activity.save()
            for i, volunteer in enumerate([*people[:6], *also]):
                checked_in = activity.starts_at + datetime.timedelta(minutes=5 * i)
                checked_out = activity.ends_at - datetime.timedelta(minutes=10 * (i % 2))
                signup = Signup(
                    activity=activity,
                    volunteer=volunteer,
                    state=Signup.State.CONFIRMED,
                    checked_in_at=checked_in,
                    checked_out_at=checked_out,
                    hours=services.activities.served_hours(activity, checked_in, checked_out),
                    hours_confirmed_at=activity.ends_at + datetime.timedelta(hours=1),
                    hours_confirmed_by=staff,
                )
                signup._history_user = staff
                signup.save()
        done.append(activity)
    return done


def seed(*, users: dict, stdout) -> None:
    from huitian.management.commands.seed_demo import DEMO_COMMUNITY

    for order, name in enumerate(DUTY_KINDS, start=1):
        DutyKind.objects.get_or_create(name=name, defaults={"order": order})
    teams = services.ensure_community_teams()
    community = Area.objects.get(code=DEMO_COMMUNITY)
    staff = users[Role.COMMUNITY_STAFF]
    district = users[Role.DISTRICT_ADMIN]
    people = _volunteers(community, users)
    team = Team.objects.get(kind=Team.Kind.COMMUNITY, area=community)
    for volunteer in people[:4]:
        if not team.memberships.filter(volunteer=volunteer, left_at__isnull=True).exists():
            membership = services.join_team(team_id=team.pk, by=volunteer.user)
            if volunteer == people[0]:
                services.appoint_leader(membership_id=membership.pk, by=staff)
    resident = Volunteer.objects.filter(user=users.get(Role.RESIDENT))
    past = _past(staff, community, people, also=list(resident))
    soon = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for title, category, place, days, hours, min_age in UPCOMING:
        if Activity.objects.filter(title=title, community=community).exists():
            continue
        starts = (soon + datetime.timedelta(days=days)).replace(hour=14)
        activity = services.publish_activity(
            by=staff,
            title=title,
            category=category,
            place=place,
            community=community,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=hours),
            places=4 if days == 3 else 10,
            min_age=min_age,
            team=None,
        )
        for volunteer in people[: 6 if days == 3 else 2]:
            services.sign_up(activity_id=activity.pk, by=volunteer.user)  # 2 on the waitlist
    sibling = (
        Area.objects.filter(parent_id=community.parent_id, level=Area.Level.COMMUNITY)
        .exclude(pk=community.pk)
        .order_by("code")
        .first()
    )
    origin = past[0]
    if sibling and not Activity.objects.filter(copied_from=origin, community=sibling).exists():
        starts = (soon + datetime.timedelta(days=12)).replace(hour=9)
        services.copy_activity(
            activity_id=origin.pk,
            by=district,
            community=sibling,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
        )
    _library(users, community)
    _fund(district, team)
    _college(users, district)
    hours = sum(
        (s.hours for s in Signup.objects.filter(hours_confirmed_at__isnull=False)), Decimal(0)
    )
    stdout.write(
        f"volunteers: {teams} teams created, {Volunteer.objects.count()} volunteers, "
        f"{Activity.objects.count()} activities, {hours} confirmed hours; "
        f"{PracticeProject.objects.filter(state='in_library').count()} projects in the library, "
        f"{Grant.objects.count()} fund grants, {Course.objects.count()} courses "
        f"with {Enrolment.objects.filter(attended_at__isnull=False).count()} attendances"
    )


THEMES = ["理论宣讲", "文化服务", "邻里互助", "助老扶幼", "生态环保", "平安建设"]
PROJECTS = [
    ("回天红色宣讲团", "党员志愿者进楼门讲政策、讲身边事，每月一场。", [0], True),
    ("楼门守望计划", "楼门长带动邻里互助，独居老人每日一问候。", [2, 3], True),
    ("绿色回天·垃圾分类指导", "桶前值守与入户指导，分类准确率月度公示。", [4], True),
    ("社区少儿书法课堂", "周末书法公益课，面向双职工家庭儿童。", [1, 3], False),
]
GRANTS = [
    ("助老送餐保温餐箱", "为独居老人送餐购置保温餐箱20个。", "3000", "paid"),
    ("志愿者培训教材", "印制社区志愿者培训手册200册。", "1500", "approved"),
    ("夜间巡逻装备", "反光背心与手电筒。", "2000", "submitted"),
]
COURSES = [
    # topic, teacher, audience, days from now, hours, kind
    ("社区议事协商实务", "李教授", "community_worker", -20, "3", "regular"),
    ("社会组织财务规范", "张会计师", "org_staff", -10, "2", "regular"),
    ("志愿服务项目设计", "王老师", "volunteer", 6, "2", "regular"),
    ("助理社会工作师考前辅导", "陈老师", "social_worker", -30, "6", "exam_prep"),
]


def _library(users: dict, community: Area) -> None:
    from huitian.access import forget_grants, organization_ids
    from registry.models import Organization

    member = users.get(Role.ORG_MEMBER)
    if member is None:
        return
    forget_grants(member)
    org = Organization.objects.filter(pk__in=organization_ids(member)).first()
    if org is None:
        return
    themes = services.ensure_themes(THEMES)
    services.ensure_practice_sites()
    district = users[Role.DISTRICT_ADMIN]
    point = PracticeSite.objects.get(area=community)
    for title, summary, picks, accept in PROJECTS:
        if PracticeProject.objects.filter(title=title).exists():
            continue
        project = services.submit_project(
            by=member,
            organization=org,
            title=title,
            summary=summary,
            themes=[themes[i] for i in picks],
        )
        if accept:
            services.review_project(project_id=project.pk, by=district, step="accept")
            services.pick_project(
                site_id=point.pk,
                project_id=project.pk,
                by=users[Role.COMMUNITY_STAFF],
                purpose="社区新时代文明实践站年度活动",
            )


def _fund(district, team: Team) -> None:
    if Grant.objects.exists():
        return
    services.contribute(amount="50000", by=district, note="区财政拨付志愿回天专项基金")
    for title, purpose, amount, state in GRANTS:
        grant = services.apply_for_grant(
            team_id=team.pk, by=district, title=title, purpose=purpose, amount=amount
        )
        if state in ("approved", "paid"):
            services.approve_grant(grant_id=grant.pk, by=district)
        if state == "paid":
            services.pay_grant(grant_id=grant.pk, by=district)


def _college(users: dict, district) -> None:
    if Course.objects.exists():
        return
    district_area = Area.objects.get(level=Area.Level.DISTRICT)
    year = timezone.localdate().year
    for audience, hours in (
        ("community_worker", "6"),
        ("org_staff", "4"),
        ("volunteer", "2"),
        ("social_worker", "8"),
    ):
        services.set_requirement(by=district, year=year, audience=audience, hours=hours)
    learners = [users[Role.COMMUNITY_STAFF], users[Role.STREET_STAFF], users[Role.RESIDENT]]
    base = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    for topic, teacher, audience, days, hours, kind in COURSES:
        starts = base + datetime.timedelta(days=days)
        course = services.publish_course(
            by=district,
            topic=topic,
            teacher=teacher,
            audience=audience,
            place="回天社会创新学院（回龙观）",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            capacity=30,
            credit_hours=hours,
            area=district_area,
            kind=kind,
        )
        if days > 0:
            continue
        # Enrolled before it began (the rows say so), attendance recorded after.
        for i, person in enumerate(learners):
            enrolment = Enrolment.objects.create(course=course, person=person, audience=audience)
            if i < 2:
                services.record_attendance(enrolment_id=enrolment.pk, by=district)
            if kind == "exam_prep":
                services.record_exam_result(
                    enrolment_id=enrolment.pk,
                    by=district,
                    level="assistant",
                    exam_year=year,
                    passed=i != 1,
                )
    if not PracticeBase.objects.exists():
        community = Area.objects.get(code="110114011001")
        practice = services.open_practice_base(
            by=district,
            name="回天社会工作实践基地",
            university="北京工业大学",
            area=community,
            capacity=4,
        )
        today = timezone.localdate()
        for name, major in (("张同学", "社会工作"), ("李同学", "社会学")):
            services.place_student(
                base_id=practice.pk,
                by=district,
                student_name=name,
                major=major,
                starts_on=today,
                ends_on=today + datetime.timedelta(days=90),
            )
