"""Demo data: a team for every community, volunteers, past activities with check-ins and
confirmed hours, upcoming ones with sign-ups, and a copied activity (复制推广).

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
from volunteers.models import Activity, DutyKind, Signup, Team, Volunteer

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


def _past(staff, community: Area, people: list[Volunteer]) -> list[Activity]:
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
            for i, volunteer in enumerate(people[:6]):
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
    past = _past(staff, community, people)
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
    hours = sum(
        (s.hours for s in Signup.objects.filter(hours_confirmed_at__isnull=False)), Decimal(0)
    )
    stdout.write(
        f"volunteers: {teams} teams created, {Volunteer.objects.count()} volunteers, "
        f"{Activity.objects.count()} activities, {hours} confirmed hours"
    )
