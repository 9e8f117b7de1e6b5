"""Demo data: a year of needs across channels, categories and communities, with offers,
topics, published lists, a match and whistle calls. Idempotent (natural keys)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from huitian.models import Area, Category, Role
from huitian.workdays import WorkingCalendar
from procurement import demo_evaluation, demo_funds, demo_projects
from procurement.models import Need, NeedsList, Offer, PurchaseItem, Topic, WhistleCall

DEMO_NEEDS = 2400

TEMPLATES = {
    "elderly_meals": [
        ("老年餐桌午饭不够", "{b}号楼附近的老年餐桌中午饭菜经常不够，高龄老人吃不上热饭"),
        ("希望增加送餐服务", "{b}号楼独居老人行动不便，希望老年餐桌提供送餐上门"),
    ],
    "elderly_care": [
        ("独居老人需要探访", "{b}号楼有独居老人，子女不在身边，希望定期上门探访"),
        ("居家养老服务咨询", "想了解居家养老助浴、助洁服务怎么申请"),
    ],
    "after_school": [
        ("课后托管名额不足", "双职工家庭孩子放学后没人照看，社区课后托管名额太少"),
        ("暑期托管班", "希望暑假开设青少年托管班和兴趣课程"),
    ],
    "parking": [
        ("小区门口乱停车", "{b}号楼前和小区门口乱停车严重，消防通道被堵"),
        ("电动车充电难", "{b}号楼电动自行车没有充电桩，居民飞线充电有安全隐患"),
    ],
    "property_management": [
        ("电梯经常故障", "{b}号楼电梯经常故障停运，老人上下楼困难"),
        ("楼道灯不亮", "{b}号楼楼道灯坏了很久没人修，晚上出行不便"),
    ],
    "waste_sorting": [
        ("垃圾分类桶站脏乱", "{b}号楼旁边垃圾桶站满溢，气味很大，分类指导员不在岗"),
    ],
    "greening": [("绿地被占用种菜", "{b}号楼前的公共绿地被个别居民开荒种菜")],
    "dispute_mediation": [
        ("楼上漏水纠纷", "{b}号楼楼上卫生间漏水到楼下，双方协商不成需要调解"),
        ("广场舞噪音扰民", "晚上广场舞音响声音太大，影响老人和孩子休息"),
    ],
    "fitness": [("健身器材损坏", "{b}号楼旁健身器材损坏，存在安全隐患")],
    "counselling": [("需要心理疏导", "家中老人情绪低落，希望有专业社工提供心理疏导")],
}
CHANNEL_WEIGHTS = [
    (Need.Channel.HOTLINE_12345, 40),
    (Need.Channel.CHANGPING_APP, 15),
    (Need.Channel.HUITIAN_PLATFORM, 15),
    (Need.Channel.HLG_NET, 8),
    (Need.Channel.TTY_NET, 8),
    (Need.Channel.STAFF_REPORT, 6),
    (Need.Channel.WEB_FORM, 8),
]


def seed(*, users: dict, stdout) -> None:
    from procurement import selectors
    from procurement.services import lists, matching, offers, whistle

    rng = random.Random(2019)
    cats = {c.code: c for c in Category.objects.filter(code__in=TEMPLATES)}
    communities = list(
        Area.objects.filter(level=Area.Level.COMMUNITY, parent__code__in=["110114011", "110114008"])
        .select_related("parent")
        .order_by("code")[:40]
    )
    if not cats or not communities:
        stdout.write("procurement: no categories or communities; skipped")
        return
    home = Area.objects.get(code="110114011001")
    if not Need.objects.filter(external_ref__startswith="DEMO-").exists():
        _needs(rng, cats, communities, home, users)
    while lists.group_pending_needs(1000):
        pass
    _resident_needs(users, cats, home)

    from registry.models import Organization

    orgs = list(Organization.objects.filter(status="active").order_by("pk")[:8])
    today = timezone.localdate()
    for i, org in enumerate(orgs):
        code = list(cats)[i % len(cats)]
        offer, created = Offer.objects.get_or_create(
            organization=org,
            title=f"{cats[code].name}服务（{org.name[:6]}）",
            defaults={
                "category": cats[code],
                "description": f"{org.name}为社区居民提供{cats[code].name}服务，专业社工带队。",
                "capacity_per_month": rng.choice([10, 20, 40]),
                "is_free": i % 3 != 0,
                "price_min": None if i % 3 else Decimal("20.00"),
                "price_max": None if i % 3 else Decimal("80.00"),
                "valid_until": today + datetime.timedelta(days=10 if i == 0 else 180),
            },
        )
        if created:
            offer.areas.set([home.parent if i % 2 else home, *rng.sample(communities, 2)])

    member = users.get(Role.ORG_MEMBER)
    if member is not None and not Offer.objects.filter(state=Offer.State.WITHDRAWN).exists():
        from huitian.access import forget_grants, organization_ids

        forget_grants(member)
        own = Organization.objects.filter(pk__in=organization_ids(member), status="active").first()
        if own is not None:  # an offer its organization published, then withdrew
            withdrawn = offers.publish_offer(
                by=member,
                organization=own,
                category=next(iter(cats.values())),
                title=f"周末上门服务（{own.name[:6]}）",
                description="人手不足，暂停提供。",
                areas=[home],
                valid_until=today + datetime.timedelta(days=90),
            )
            offers.withdraw_offer(offer_id=withdrawn.pk, by=member, note="人手调整，暂停提供")

    # Lists: every past month published; the current one a draft for staff to review.
    for months_back in range(12, -1, -1):
        day = (today.replace(day=1) - datetime.timedelta(days=months_back * 30)).replace(day=1)
        start, end = lists.period_containing(day, "monthly")
        lst = lists.compile_needs_list(period_start=start, period_end=end, group_first=False)
        if end < today and lst.state == NeedsList.State.DRAFT:
            lists.publish_needs_list(list_id=lst.pk, by=users[Role.DISTRICT_ADMIN])

    district = users[Role.DISTRICT_ADMIN]
    top = Topic.objects.filter(state=Topic.State.OPEN, area=home).order_by("-need_count").first()
    if top and not PurchaseItem.objects.exists():
        lists.promote_topic(
            topic_id=top.pk,
            by=district,
            estimated_budget=Decimal("48000.00"),
            service_standard="每周 5 天午餐供应，每餐不少于两荤两素；送餐上门 30 分钟内送达。",
        )
    if not Topic.objects.filter(state=Topic.State.MATCHED).exists():
        for topic in Topic.objects.filter(state=Topic.State.OPEN, area=home).order_by(
            "-need_count"
        )[1:6]:
            cands = selectors.offer_candidates(topic)
            if cands:
                matching.confirm_match(
                    topic_id=topic.pk, organization_id=cands[0].organization.pk, by=district
                )
                break

    if not Topic.objects.filter(state=Topic.State.MERGED).exists():
        # Two small topics of one category staff found to be the same: merged (a step).
        small = Topic.objects.filter(state=Topic.State.OPEN, area=home).order_by("need_count")
        first = small.first()
        twin = small.filter(category=first.category).exclude(pk=first.pk).first() if first else None
        if twin is not None:
            lists.merge_topics(into_id=twin.pk, other_ids=[first.pk], by=district)

    if not WhistleCall.objects.exists():
        staff = users[Role.COMMUNITY_STAFF]
        calls = []
        for problem, code, urgency in [
            ("3号楼楼上漏水纠纷持续两周，需要专业调解", "dispute_mediation", 2),
            ("暴雨后地下室积水，需要志愿者协助转移老人物品", "special_affairs", 3),
            ("老年餐桌下月起人手不足，需要社会组织支援", "elderly_meals", 1),
        ]:
            cat = Category.objects.filter(code=code).first()
            if cat is None:
                continue
            call = whistle.raise_whistle_call(
                by=staff,
                community=home,
                category=cat,
                problem=problem,
                urgency=urgency,
                deadline=today + datetime.timedelta(days=7),
            )
            calls.append(call)
            member = users[Role.ORG_MEMBER]
            from huitian.access import forget_grants, organization_ids

            forget_grants(member)
            for org_id in organization_ids(member):
                if call.notified_orgs.filter(pk=org_id).exists():
                    whistle.respond_to_call(
                        call_id=call.pk,
                        organization_id=org_id,
                        by=member,
                        brings="两名社工和 10 名志愿者",
                    )
        # Every state of a call: one with responders selected, one closed, the rest open.
        answered = next((c for c in calls if c.responses.exists()), None)
        if answered is not None:
            whistle.select_responders(
                call_id=answered.pk,
                response_ids=list(answered.responses.values_list("pk", flat=True)),
                by=staff,
            )
        if len(calls) > 1:
            whistle.close_whistle_call(call_id=calls[-1].pk, by=staff, note="已协调街道力量解决")
    demo_funds.seed(users=users, stdout=stdout)  # money through every account kind
    demo_projects.seed(users=users, stdout=stdout)  # purchase projects and contracts
    demo_evaluation.seed(users=users, stdout=stdout)  # supervised, evaluated, spot-checked
    stdout.write(
        f"procurement: {Need.objects.count()} needs, {Topic.objects.count()} topics, "
        f"{Offer.objects.count()} offers, {WhistleCall.objects.count()} whistle calls"
    )


def _needs(rng, cats, communities, home, users) -> None:
    cal = WorkingCalendar()
    now = timezone.now()
    rows = []
    channels = [c for c, _w in CHANNEL_WEIGHTS]
    weights = [w for _c, w in CHANNEL_WEIGHTS]
    codes = list(cats)
    for i in range(DEMO_NEEDS):
        created = now - datetime.timedelta(days=rng.random() * 365, minutes=rng.randint(0, 600))
        code = rng.choice(codes)
        title, text = rng.choice(TEMPLATES[code])
        community = home if rng.random() < 0.2 else rng.choice(communities)
        day = timezone.localtime(created).date()
        age = (now - created).days
        n = Need(
            channel=rng.choices(channels, weights)[0],
            community=community,
            category=cats[code],
            title=title,
            text=text.format(b=rng.randint(1, 12)),
            urgency=rng.choices([1, 2, 3], [80, 15, 5])[0],
            contact_name=rng.choice("王李张刘陈杨赵黄周吴")
            + rng.choice(["秀英", "建国", "桂兰", "志强", "丽", "伟"]),
            contact_phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
            external_ref=f"DEMO-{i:05d}",
            created_at=created,
            response_due=cal.add_working_days(day, 1),
            resolution_due=cal.add_working_days(day, 15),
        )
        roll = rng.random()
        if age > 20:
            n.responded_at = created + datetime.timedelta(hours=rng.choice([2, 5, 20, 30, 60]))
            if roll < 0.06:
                n.state, n.reject_reason = Need.State.REJECTED, rng.choice(Need.RejectReason.values)
            elif roll < 0.12:
                n.state, n.unresolved_reason = (
                    Need.State.CLOSED_UNRESOLVED,
                    rng.choice(Need.UnresolvedReason.values),
                )
                n.closed_at = created + datetime.timedelta(days=12)
            else:
                n.state = Need.State.CLOSED
                n.resolved_at = created + datetime.timedelta(days=rng.randint(2, 20))
                n.closed_at = n.resolved_at + datetime.timedelta(days=1)
                n.satisfaction = rng.choices([5, 4, 3, 2, 1], [50, 28, 12, 6, 4])[0]
        else:
            n.state = rng.choice((*Need.OPEN_STATES, "resolved"))
            if n.state != Need.State.RECEIVED:
                n.responded_at = created + datetime.timedelta(hours=4)
            if n.state == Need.State.RESOLVED:
                n.resolved_at = created + datetime.timedelta(days=3)
        rows.append(n)
    Need.objects.bulk_create(rows, batch_size=500)


def _resident_needs(users, cats, home) -> None:
    from procurement.services.needs import resolve_need, submit_need

    resident = users.get(Role.RESIDENT)
    if resident is None or Need.objects.filter(submitter=resident).exists():
        return
    first = submit_need(
        channel=Need.Channel.WEB_FORM,
        community=home,
        category=cats["elderly_meals"],
        title="老年餐桌午饭不够",
        text="3号楼附近的老年餐桌中午饭菜经常不够，高龄老人吃不上热饭",
        contact_name="居民",
        contact_phone="13800001234",
        submitter=resident,
    )
    submit_need(
        channel=Need.Channel.WEB_FORM,
        community=home,
        category=cats["parking"],
        title="小区门口乱停车",
        text="小区门口乱停车严重，消防通道被堵",
        contact_phone="13800001234",
        submitter=resident,
    )
    from procurement.services.needs import accept_need, assign_need

    staff = users[Role.COMMUNITY_STAFF]
    accept_need(need_id=first.pk, by=staff)
    assign_need(need_id=first.pk, by=staff, area=home)
    resolve_need(need_id=first.pk, by=staff, note="已协调增加午餐供应 30 份")
