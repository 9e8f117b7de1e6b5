"""Statements (`huitian.dashboards.statements`): an aggregate compiled once per scope
shape gives, for every user, area and period it is bound to, the numbers a direct count
gives; a scope that needs a join is compiled per call; a door that opens nothing counts
nothing."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, DateTimeField
from django.utils import timezone

from huitian import dashboards as dash
from huitian.dashboards.statements import Bind, Statement
from huitian.models import Area, Role, RoleAssignment, User
from procurement.models import Need
from tests.conftest import COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B1, STREET_A
from tests.procurement.factories import NeedFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = dash.parse_period(str(timezone.localdate().year))
LONG_AGO = dash.parse_period("2001")


def by_community(area_lookup="community"):
    lo, hi = Bind("lo", DateTimeField()), Bind("hi", DateTimeField())
    return Statement(
        Need,
        area_lookup,
        lambda needs: (
            needs.filter(created_at__gte=lo, created_at__lt=hi)
            .values("community_id")
            .annotate(n=Count("pk"))
        ),
    )


def counted(statement, user, period, area=None):
    node = dash.resolve_area(user, area.pk if area else None)
    q = dash.Query(user=user, area=node, period=period)
    rows = statement.rows(q, lo=period.lo, hi=period.hi)
    return {row["community_id"]: row["n"] for row in rows}


def direct(*codes):
    """What a direct count says: this year's needs per community."""
    return {
        area.pk: Need.objects.filter(
            community=area, created_at__gte=THIS_YEAR.lo, created_at__lt=THIS_YEAR.hi
        ).count()
        for area in Area.objects.filter(code__in=codes)
    }


@pytest.fixture
def spread(cast):
    for code, n in ((COMMUNITY_A1, 3), (COMMUNITY_A2, 2), (COMMUNITY_B1, 4)):
        for _i in range(n):
            NeedFactory(community=cast.area(code))
    # Last year's needs: outside this year's bounds, inside last year's.
    last_year = timezone.now() - datetime.timedelta(days=366)
    NeedFactory(community=cast.area(COMMUNITY_A1), created_at=last_year)
    return cast


def test_one_compile_per_scope_shape_many_bindings(spread):
    statement = by_community()
    a1 = counted(statement, spread.community_a1, THIS_YEAR)
    assert a1 == direct(COMMUNITY_A1) == {spread.area(COMMUNITY_A1).pk: 3}
    assert counted(statement, spread.community_a1, LONG_AGO) == {}
    earlier = THIS_YEAR.a_year_earlier()
    assert (
        sum(counted(statement, spread.community_a1, earlier).values())
        == Need.objects.filter(
            community=spread.area(COMMUNITY_A1),
            created_at__gte=earlier.lo,
            created_at__lt=earlier.hi,
        ).count()
    )
    # Another community's clerk: the same shape (one area id, one user id), its own values.
    a2_clerk = User.objects.create(username="a2-clerk")
    RoleAssignment.objects.create(
        user=a2_clerk, role=Role.COMMUNITY_STAFF, area=spread.area(COMMUNITY_A2)
    )
    assert counted(statement, a2_clerk, THIS_YEAR) == direct(COMMUNITY_A2)
    assert len(statement._compiled) == 1
    # The street and the district: more area ids, another shape, compiled once more each.
    assert counted(statement, spread.street_a, THIS_YEAR) == direct(COMMUNITY_A1, COMMUNITY_A2)
    street = Area.objects.get(code=STREET_A)
    assert counted(statement, spread.district, THIS_YEAR, area=street) == direct(
        COMMUNITY_A1, COMMUNITY_A2
    )
    assert counted(statement, spread.district, THIS_YEAR) == direct(
        COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B1
    )
    assert 1 < len(statement._compiled) <= 4


def test_a_scope_that_joins_is_compiled_per_call(spread):
    statement = by_community("community__parent")
    area = dash.resolve_area(spread.street_a, None)
    q = dash.Query(user=spread.street_a, area=area, period=THIS_YEAR)
    assert q.clause(Need, "community__parent") is q.UNCLAUSED
    rows = statement.rows(q, lo=THIS_YEAR.lo, hi=THIS_YEAR.hi)
    assert {r["community_id"]: r["n"] for r in rows} == direct(COMMUNITY_A1, COMMUNITY_A2)
    assert statement._compiled == {}


def test_a_door_that_opens_nothing_counts_nothing(spread):
    district = next(n for n in dash.area_tree().values() if n.parent_id is None)
    q = dash.Query(user=AnonymousUser(), area=district, period=THIS_YEAR)
    assert q.clause(Need, "community") is None
    assert by_community().rows(q, lo=THIS_YEAR.lo, hi=THIS_YEAR.hi) == []


def test_a_missing_binding_fails_loudly(spread):
    q = dash.Query(
        user=spread.district, area=dash.resolve_area(spread.district, None), period=THIS_YEAR
    )
    with pytest.raises(KeyError):
        by_community().rows(q, lo=THIS_YEAR.lo)


def test_a_need_in_the_first_local_hour_of_a_period_is_counted(cast):
    # Bound datetimes go to the database as the ORM sends them (SQLite keeps naive UTC
    # text): 00:30 in Beijing on the 1st is 16:30 UTC on the day before.
    day_one = datetime.datetime(2026, 3, 1, 0, 30, tzinfo=timezone.get_current_timezone())
    NeedFactory(community=Area.objects.get(code=COMMUNITY_A1), created_at=day_one)
    NeedFactory(community=Area.objects.get(code=COMMUNITY_A1), created_at=day_one.replace(day=2))
    march = dash.parse_period("2026-03")
    assert counted(by_community(), cast.district, march) == {
        Area.objects.get(code=COMMUNITY_A1).pk: 2
    }
    february = dash.parse_period("2026-02")
    assert counted(by_community(), cast.district, february) == {}
