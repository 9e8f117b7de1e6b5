"""The needs list and the intake, pinned: queries per page and per submission, and the
lean list rendering exactly what NeedOut renders."""

import datetime
import types
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from huitian.models import Role
from procurement import selectors
from procurement.serializers.needs import NeedOut
from tests.conftest import api_as, make_user
from tests.procurement.factories import NeedFactory, OrganizationFactory, community
from tests.queries import assert_pinned, count_queries, redis_commands

pytestmark = pytest.mark.django_db

URL = "/api/v1/needs/"
BODY = {
    "community": "110114011001",
    "category": "elderly_meals",
    "title": "老年餐桌午饭不够",
    "text": "三号楼老年餐桌中午饭菜经常不够，高龄老人吃不上午饭",
    "contact_name": "王秀英",
    "contact_phone": "13812345678",
}


def _variety(cast):
    """Needs with every optional part filled or empty: assigned to an org or an area,
    located, rated and closed, anonymous, in another street."""
    now = timezone.now()
    org = OrganizationFactory()
    NeedFactory(
        submitter=cast.resident,
        assigned_org=org,
        lat=Decimal("39.912345"),
        lng=Decimal("116.3"),
        state="closed",
        satisfaction=4,
        satisfaction_comment="很好",
        resolved_at=now,
        closed_at=now,
        external_ref="EXT-1",
        channel="hotline_12345",
    )
    NeedFactory(assigned_area=community(), state="accepted", urgency=3)
    NeedFactory(anonymous=True, contact_name="", contact_phone="", response_due=None)
    NeedFactory(community=community("110114011002"), contact_name="李四")
    NeedFactory(state="rejected", reject_reason="duplicate")
    return org


def test_list_rows_are_what_need_out_renders(cast):
    org = _variety(cast)
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    for user in (
        cast.community_a1,
        cast.street_a,
        cast.district,
        cast.auditor,
        cast.resident,
        member,
    ):
        listed = api_as(user).get(URL, {"page_size": 100}).data["results"]
        expected = NeedOut(
            selectors.needs_for(user),
            many=True,
            context={"request": types.SimpleNamespace(user=user)},
        ).data
        assert listed == [dict(row) for row in expected], user.username
        assert listed, user.username


def test_full_contact_only_for_handling_staff_in_the_list(cast):
    NeedFactory(submitter=cast.resident)
    phone = lambda u: api_as(u).get(URL).data["results"][0]["contact_phone"]  # noqa: E731
    assert phone(cast.community_a1) == phone(cast.street_a) == "13812345678"
    assert phone(cast.resident) == phone(cast.auditor) == "138****5678"


def test_page_50_runs_the_queries_of_page_1(cast):
    NeedFactory.create_batch(55, submitter=cast.resident)
    for user in (cast.community_a1, cast.district, cast.resident):
        client = api_as(user)
        client.get(URL)  # per-process caches (the area tree)
        first = count_queries(lambda c=client: c.get(URL, {"page_size": 1}))
        fiftieth = count_queries(lambda c=client: c.get(URL, {"page_size": 1, "page": 50}))
        assert first == fiftieth == 2, user.username  # count (capped) + page


def test_list_query_count_does_not_grow_with_rows(cast):
    NeedFactory.create_batch(3, submitter=cast.resident)
    client = api_as(cast.street_a)
    assert_pinned(
        lambda: client.get(URL),
        lambda: _variety(cast) and NeedFactory.create_batch(10, submitter=cast.resident),
        expected=2,
    )


def test_past_the_limit_the_count_is_estimated_and_exact_on_request(cast, settings):
    from procurement.api import needs as api_needs

    api_needs.forget_estimates()
    settings.API_EXACT_COUNT_LIMIT = 5
    NeedFactory.create_batch(12, submitter=cast.resident)
    client = api_as(cast.district)
    first = client.get(URL, {"page_size": 5})
    assert first.data["count_exact"] is False
    assert first.data["count"] >= 6
    assert first.data["count_display"].startswith("约")
    assert len(first.data["results"]) == 5 and first.data["next"]
    # Pages are cut by offset, whatever the estimate says: the last one, then nothing.
    last = client.get(URL, {"page_size": 5, "page": 3})
    assert len(last.data["results"]) == 2 and last.data["next"] is None
    assert client.get(URL, {"page_size": 5, "page": 4}).status_code == 404
    # count + the sampled estimate + page; the next pages reuse the scope's estimate
    # for a minute (the page query only), then count again.
    api_needs.forget_estimates()
    one = count_queries(lambda: client.get(URL, {"page_size": 5}))
    two = count_queries(lambda: client.get(URL, {"page_size": 5, "page": 2}))
    assert (one, two) == (3, 1)
    assert client.get(URL, {"page_size": 5, "page": 2}).data["count"] == first.data["count"]
    assert client.get(URL, {"page_size": 5, "state": "closed"}).data["count_exact"] is True
    api_needs.ESTIMATE_TTL, ttl = 0, api_needs.ESTIMATE_TTL
    try:
        assert count_queries(lambda: client.get(URL, {"page_size": 5, "page": 2})) == 3
    finally:
        api_needs.ESTIMATE_TTL = ttl
    exact = client.get(URL, {"page_size": 5, "count": "exact"})
    assert exact.data["count"] == 12 and exact.data["count_exact"] is True
    assert exact.data["count_display"] == "12"
    # Under the limit nothing changes: the exact count, shown as it is.
    small = api_as(cast.community_a2).get(URL)
    assert small.data["count_exact"] is True and small.data["count_display"] == "0"


def test_about_says_large_counts_as_people_do():
    from django.utils import translation

    from huitian.api.pagination import about

    with translation.override("zh-hans"):
        assert about(1_002_701) == "约 100 万"
        assert about(102_700) == "约 10.3 万"
        assert about(312_345_678) == "约 3.12 亿"
    with translation.override("en"):
        assert about(1_002_701) == "about 1,000,000"


def _writes(ctx) -> list[str]:
    """The tables each statement INSERTs into, in order (one statement may write two)."""
    import re

    return [
        table
        for q in ctx.captured_queries
        for table in re.findall(r'INSERT INTO "?(\w+)"?', q["sql"])
    ]


def test_intake_writes_three_rows_in_a_fixed_number_of_queries(cast):
    client = api_as(cast.resident)
    client.post(URL, BODY, format="json")  # reference caches and grants, once per process
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(URL, BODY, format="json")
    assert r.status_code == 201, r.content
    assert _writes(ctx) == ["procurement_need", "procurement_historicalneed", "huitian_transition"]
    # savepoint, the need's INSERT, its history row and transition in one statement,
    # release: no SELECT (the reply is the need as saved).
    assert len(ctx.captured_queries) == 4, [q["sql"][:80] for q in ctx.captured_queries]


def test_intake_with_an_idempotency_key_adds_one_insert_and_one_update(cast):
    client = api_as(cast.resident)
    client.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="warm")
    with CaptureQueriesContext(connection) as ctx:
        r = client.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r.status_code == 201, r.content
    assert _writes(ctx) == [
        "huitian_idempotencyrecord",
        "procurement_need",
        "procurement_historicalneed",
        "huitian_transition",
    ]
    assert len(ctx.captured_queries) == 6, [q["sql"][:80] for q in ctx.captured_queries]
    # The replay reads the record and writes nothing.
    with CaptureQueriesContext(connection) as ctx:
        again = client.post(URL, BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.data == r.data
    # The INSERT … ON CONFLICT DO NOTHING that finds the key taken, then the read.
    assert _writes(ctx) == ["huitian_idempotencyrecord"]
    assert len(ctx.captured_queries) == 2


def test_deadlines_still_come_from_the_calendar(cast):
    r = api_as(cast.resident).post(URL, BODY, format="json")
    due = datetime.date.fromisoformat(r.data["response_due"])
    assert due >= timezone.localdate()


def test_the_list_reads_the_area_tree_once_per_request(cast):
    NeedFactory.create_batch(3)
    for user in (cast.community_a1, cast.district):
        client = api_as(user)
        client.get(URL)
        sent = redis_commands(lambda c=client: c.get(URL, {"state": "received"}))
        # The tree's version only (the ids under the user's area are remembered per
        # process and version), and the filter does not scope the queryset again.
        assert len(sent) == 1 and b"huitian:area-tree-version" in sent[0], sent


def test_the_state_filter_narrows_the_callers_scope(cast):
    NeedFactory(state="received")
    NeedFactory(state="accepted")
    NeedFactory(state="accepted", community=community("110114008001"))
    rows = api_as(cast.community_a1).get(URL, {"state": "accepted"}).data["results"]
    assert [r["state"] for r in rows] == ["accepted"]
    assert rows[0]["community"]["code"] == "110114011001"
    assert api_as(cast.district).get(URL, {"state": "accepted"}).data["count"] == 2


def test_the_intake_reply_is_what_need_out_renders(cast):
    from procurement.models import Need

    body = {**BODY, "lat": "39.912345", "lng": "116.300000", "address": "三号楼"}
    for user in (cast.resident, cast.community_a1):
        r = api_as(user).post(URL, body, format="json")
        assert r.status_code == 201, r.content
        saved = Need.objects.get(pk=r.data["id"])
        expected = NeedOut(saved, context={"request": types.SimpleNamespace(user=user)}).data
        assert r.data == dict(expected), user.username
    # The handling staff read the contact in full, the resident masked, as in the list.
    assert r.data["contact_phone"] == "13812345678"


def test_the_intake_history_row_and_transition_are_what_a_save_writes(cast):
    """One round trip for both, and the same rows as simple-history and the workflow write."""
    from huitian.workflow import transitions_of
    from procurement.models import Need

    r = api_as(cast.resident).post(URL, BODY, format="json")
    need = Need.objects.get(pk=r.data["id"])
    [history] = need.history.all()
    assert history.history_type == "+" and history.history_user_id == cast.resident.pk
    assert (history.id, history.tracking_code, history.title, history.state) == (
        need.pk,
        need.tracking_code,
        need.title,
        "received",
    )
    [step] = transitions_of(need)
    assert (step.step, step.from_state, step.to_state, step.by_id) == (
        "create",
        "",
        "received",
        cast.resident.pk,
    )


def test_with_history_switched_off_the_intake_still_records_its_first_step(cast, settings):
    from huitian.workflow import transitions_of
    from procurement.models import Need

    settings.SIMPLE_HISTORY_ENABLED = False
    r = api_as(cast.resident).post(URL, BODY, format="json")
    need = Need.objects.get(pk=r.data["id"])
    assert not need.history.exists()
    assert [t.step for t in transitions_of(need)] == ["create"]


def test_the_write_throttle_costs_one_redis_round_trip(cast):
    client = api_as(cast.resident)
    client.post(URL, BODY, format="json")  # the script is loaded once per process
    sent = redis_commands(lambda: client.post(URL, BODY, format="json"))
    # The window trimmed, counted and extended by one script, not a GET and a SET.
    assert len(sent) == 1 and sent[0].split(b"\r\n")[2] == b"EVALSHA", sent


def test_a_history_the_previous_throttle_left_does_not_break_writes(cast):
    import time

    from django.core.cache import cache

    # DRF's throttle kept a pickled list under the plain key; the window has its own.
    cache.set(f"throttle_write_user-{cast.resident.pk}", [time.time()], 60)
    assert api_as(cast.resident).post(URL, BODY, format="json").status_code == 201
