"""Demo data: the real Huitian areas, one demo user per role, then each app's demo data.

Idempotent: running it twice changes nothing. Refused in production.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from huitian import services
from huitian.models import Area, Role, User
from huitian.plugins import app_module

DEMO_PASSWORD = "huitian-demo"
# The demo cast: role → (username, display name, area code). Street 110114011 is 回龙观街道;
# community 110114011001 lies inside it.
DEMO_STREET = "110114011"
DEMO_COMMUNITY = "110114011001"
DEMO_USERS = [
    ("demo_district", Role.DISTRICT_ADMIN, "区级管理员", settings.HUITIAN_DISTRICT_CODE),
    ("demo_street", Role.STREET_STAFF, "街道工作人员", DEMO_STREET),
    ("demo_federation", Role.FEDERATION_STAFF, "联合会工作人员", DEMO_STREET),
    ("demo_community", Role.COMMUNITY_STAFF, "社区工作人员", DEMO_COMMUNITY),
    ("demo_evaluator", Role.EVALUATOR, "第三方评估员", settings.HUITIAN_DISTRICT_CODE),
    ("demo_auditor", Role.AUDITOR, "审计员", settings.HUITIAN_DISTRICT_CODE),
    ("demo_org", Role.ORG_MEMBER, "社会组织联系人", None),
    ("demo_resident", Role.RESIDENT, "居民", DEMO_COMMUNITY),
]


def ensure_demo_user(username: str, display_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"last_name": display_name, "email": f"{username}@demo.huitian.example.cn"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


class Command(BaseCommand):
    help = "Load the Huitian areas, demo users for every role, and each app's demo data."

    def handle(self, *args, **options):
        if not settings.HUITIAN_ALLOW_DEMO_DATA:
            raise CommandError(
                "Demo data is disabled here (HUITIAN_ALLOW_DEMO_DATA is off in production)."
            )
        with transaction.atomic():
            result = services.load_areas()
            self.stdout.write(f"areas: {result['created']} created, {result['updated']} updated")
            services.seed_calendar_from_package()
            users = {}
            for username, role, name, code in DEMO_USERS:
                user = ensure_demo_user(username, name)
                users[role] = user
                if role != Role.ORG_MEMBER:
                    area = Area.objects.get(code=code)
                    services.assign_role(user=user, role=role, area=area)
            for app in settings.DOMAIN_APPS:
                demo = app_module(app, "demo")
                if demo is None:
                    continue
                demo.seed(users=users, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in with any of:"))
        for username, role, _name, _code in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {Role(role).label}  password: {DEMO_PASSWORD}")
