"""The service-category taxonomy seed: the 2019 plan's priority fields (§8) and common services."""

TAXONOMY = [
    (
        "governance",
        "社区治理",
        True,
        [
            ("social_mobilization", "社会动员"),
            ("democratic_consultation", "民主协商"),
            ("dispute_mediation", "矛盾调解"),
            ("special_affairs", "专项事务"),
        ],
    ),
    (
        "culture_sports",
        "文体活动",
        True,
        [
            ("singing", "歌咏"),
            ("dance", "舞蹈"),
            ("calligraphy_painting", "书画"),
            ("photography", "摄影"),
            ("fitness", "健身"),
        ],
    ),
    (
        "social_work",
        "社工服务",
        True,
        [
            ("hardship_relief", "帮困救助"),
            ("humanistic_care", "人文关怀"),
            ("counselling", "心理疏导"),
            ("relationship_mediation", "关系调适"),
        ],
    ),
    ("elderly", "养老服务", False, [("elderly_care", "居家养老"), ("elderly_meals", "老年餐桌")]),
    (
        "youth",
        "青少年服务",
        False,
        [("after_school", "课后托管"), ("youth_development", "青少年成长")],
    ),
    ("environment", "社区环境", False, [("greening", "绿化美化"), ("waste_sorting", "垃圾分类")]),
    ("property", "物业服务", False, [("property_management", "物业管理"), ("parking", "停车管理")]),
]


def seed_categories(Category) -> int:
    """Create missing categories (idempotent); `Category` may be a migration's historical model."""
    created = 0
    for order, (code, name, priority, children) in enumerate(TAXONOMY):
        group, made = Category.objects.get_or_create(
            code=code, defaults={"name": name, "is_priority": priority, "sort_order": order * 10}
        )
        created += made
        for sub_order, (sub_code, sub_name) in enumerate(children):
            _, made = Category.objects.get_or_create(
                code=sub_code,
                defaults={
                    "name": sub_name,
                    "parent": group,
                    "is_priority": priority,
                    "sort_order": order * 10 + sub_order + 1,
                },
            )
            created += made
    return created
