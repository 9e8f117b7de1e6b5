"""Volunteers, teams and activities for tests, built through the services where it matters."""

import datetime
import itertools

from django.utils import timezone
from stdnum.cn import ric

from huitian.models import Area, Role
from tests.conftest import make_user
from volunteers import services
from volunteers.models import Activity

_seq = itertools.count(1)


def id_number(birth: str = "19900101", seq: int | None = None) -> str:
    """A valid resident ID number (Beijing Haidian region code, real check digit)."""
    body = f"110108{birth}{(seq if seq is not None else next(_seq)) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def volunteer(user=None, *, community=None, birth="19900101", name="李志愿"):
    community = community or Area.objects.get(code="110114011001")
    user = user or make_user(f"vol{next(_seq)}", Role.RESIDENT, community)
    return services.register_volunteer(
        by=user,
        real_name=name,
        id_number=id_number(birth),
        phone="13912345678",
        community=community,
        skills="急救",
        availability="周末",
    )


def activity(by, *, community=None, starts_in=datetime.timedelta(days=2), hours=3, **extra):
    community = community or Area.objects.get(code="110114011001")
    starts = timezone.now() + starts_in
    values = {
        "title": "社区环境清洁",
        "category": Activity.Category.ENVIRONMENT,
        "place": "社区广场",
        "community": community,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=hours),
        "places": 2,
    }
    values.update(extra)
    return services.publish_activity(by=by, **values)
