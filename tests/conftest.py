"""Shared fixtures: the real Huitian areas and a cast of users per role and area.

The cast (DESIGN.md, "Tests speak as users"):
- street A = 回龙观街道 (110114011), community A1 = its first community, A2 = a sibling;
- street B = 天通苑北街道 (110114008), community B1 inside it.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from huitian import services
from huitian.access import forget_grants
from huitian.models import Area, Category, Role, User
from huitian.taxonomy import seed_categories

STREET_A = "110114011"
STREET_B = "110114008"
COMMUNITY_A1 = "110114011001"
COMMUNITY_A2 = "110114011002"
COMMUNITY_B1 = "110114008001"
DISTRICT = "110114"
PASSWORD = "correct-horse-battery-staple-9"


def pytest_configure(config):
    from django.conf import settings

    # Tests create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference areas once; tests roll back on top of them."""
    with django_db_blocker.unblock():
        services.load_areas()
        services.seed_calendar_from_package()
        seed_categories(Category)


def pytest_collection_modifyitems(items):
    """Transactional (browser) tests last: they flush tables the others rely on."""
    items.sort(key=lambda item: 1 if item.get_closest_marker("e2e") else 0)


@pytest.fixture(autouse=True)
def _clean_cache():
    # Throttle counters and lockouts live in the cache (Redis in CI): start each test clean.
    # So do the per-process copies of areas, categories and the calendar (refdata).
    from procurement import refdata

    cache.clear()
    refdata.clear()
    yield
    refdata.clear()


@pytest.fixture
def areas(db):
    """The 154 real areas from the reference CSV (idempotent: cheap when already there)."""
    if Area.objects.count() < 154:
        services.load_areas()
    services.seed_calendar_from_package()
    seed_categories(Category)
    return {
        a.code: a
        for a in Area.objects.filter(
            code__in=[DISTRICT, STREET_A, STREET_B, COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B1]
        )
    }


def make_user(
    username: str, role: str | None = None, area: Area | None = None, organization=None, **extra
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, email=f"{username}@example.cn", **extra
    )
    if role:
        services.assign_role(user=user, role=role, area=area, organization=organization)
    forget_grants(user)
    return user


@dataclass
class Cast:
    district: User
    auditor: User
    evaluator: User
    street_a: User
    street_b: User
    federation_a: User
    federation_b: User
    community_a1: User
    community_a2: User
    community_b1: User
    resident: User
    resident_other: User
    nobody: User
    areas: dict

    def area(self, code: str) -> Area:
        return self.areas[code]


@pytest.fixture
def cast(areas):
    return Cast(
        district=make_user("district", Role.DISTRICT_ADMIN, areas[DISTRICT]),
        auditor=make_user("auditor", Role.AUDITOR, areas[DISTRICT]),
        evaluator=make_user("evaluator", Role.EVALUATOR, areas[STREET_A]),
        street_a=make_user("street_a", Role.STREET_STAFF, areas[STREET_A]),
        street_b=make_user("street_b", Role.STREET_STAFF, areas[STREET_B]),
        federation_a=make_user("federation_a", Role.FEDERATION_STAFF, areas[STREET_A]),
        federation_b=make_user("federation_b", Role.FEDERATION_STAFF, areas[STREET_B]),
        community_a1=make_user("community_a1", Role.COMMUNITY_STAFF, areas[COMMUNITY_A1]),
        community_a2=make_user("community_a2", Role.COMMUNITY_STAFF, areas[COMMUNITY_A2]),
        community_b1=make_user("community_b1", Role.COMMUNITY_STAFF, areas[COMMUNITY_B1]),
        resident=make_user("resident", Role.RESIDENT, areas[COMMUNITY_A1]),
        resident_other=make_user("resident_other", Role.RESIDENT, areas[COMMUNITY_A1]),
        nobody=make_user("nobody"),
        areas=areas,
    )


@pytest.fixture
def api():
    return APIClient()


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def client_as():
    """A Django test client signed in as the given user (admin and portal pages)."""
    from django.test import Client

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def broker_down(settings):
    """Celery publishing to a Redis that is not there (a real refused connection).

    Tasks stop running eagerly; every `.apply_async` fails as it would with Redis stopped.
    """
    from huitian.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    _reset_celery_pools(app)
    yield app
    app.conf.task_always_eager, app.conf.broker_url = saved
    _reset_celery_pools(app)


def _reset_celery_pools(app):
    app._pool = None
    app.amqp._producer_pool = None
