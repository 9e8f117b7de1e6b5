"""Grouping with jieba, merge/split, compile (incremental, idempotent), publish, promote."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from procurement.models import Need, NeedsList, NeedsListEntry, Topic
from procurement.services import lists
from tests.conftest import api_as
from tests.procurement.factories import web_need

pytestmark = pytest.mark.django_db


need = web_need


def period():
    return lists.period_containing(timezone.localdate())


def test_duplicates_from_channels_land_in_one_topic(cast):
    a = need("3号楼电梯故障", "小区3号楼电梯经常故障，老人上下楼困难", contact_phone="13812345678")
    b = need(
        "电梯又坏了",
        "3号楼电梯又坏了，老年人上下楼不便",
        channel="hotline_12345",
        contact_phone="13912345678",
    )
    c = need("广场舞噪音", "晚上十点广场舞噪音扰民")
    d = need("3号楼电梯故障", "3号楼电梯故障", code="110114008001")
    lists.group_pending_needs(100)
    a, b, c, d = (Need.objects.get(pk=n.pk) for n in (a, b, c, d))
    assert a.topic_id == b.topic_id
    assert c.topic_id != a.topic_id
    assert d.topic_id != a.topic_id  # another street's community
    assert Topic.objects.get(pk=a.topic_id).need_count == 2


def test_grouping_sweep_is_idempotent(cast):
    need("电梯故障", "电梯故障")
    assert lists.group_pending_needs(100) == 1
    assert lists.group_pending_needs(100) == 0
    assert Topic.objects.count() == 1


def test_compile_orders_by_residents_is_incremental_and_publish_numbers_the_ranks(cast):
    for phone in ("13812345671", "13812345672", "13812345673"):
        need("电梯故障", "3号楼电梯故障", contact_phone=phone)
    need("电梯故障", "3号楼电梯故障", contact_phone="13812345671")  # the same resident again
    need("路灯不亮", "5号楼路灯不亮", contact_phone="13812345679")
    start, end = period()
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    entries = list(NeedsListEntry.objects.filter(needs_list=lst))  # a draft: by score
    assert [(e.resident_count, e.need_count) for e in entries] == [(3, 4), (1, 1)]
    assert {e.rank for e in entries} == {0}  # numbered at publication
    first_compiled = lst.compiled_at
    # Nothing new: nothing changes.
    again = lists.compile_needs_list(period_start=start, period_end=end)
    assert again.pk == lst.pk and NeedsListEntry.objects.filter(needs_list=lst).count() == 2
    assert list(NeedsListEntry.objects.filter(needs_list=lst).values_list("pk", "score")) == [
        (e.pk, e.score) for e in entries
    ]
    # New needs about the street lamp overtake the lift.
    for phone in ("13900000001", "13900000002", "13900000003"):
        need("路灯不亮", "5号楼路灯不亮", contact_phone=phone)
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    assert lst.compiled_at > first_compiled
    top = NeedsListEntry.objects.filter(needs_list=lst).first()
    assert top.resident_count == 4 and "路灯" in top.topic.title
    # Publishing numbers the ranks in the list's order, once.
    lists.publish_needs_list(list_id=lst.pk, by=cast.district)
    assert list(
        NeedsListEntry.objects.filter(needs_list=lst)
        .order_by("rank")
        .values_list("rank", "resident_count", "topic__title")
    ) == [(1, 4, "路灯不亮"), (2, 3, "电梯故障")]


def test_a_rejected_need_leaves_the_list_at_the_next_compile(cast):
    need("电梯故障", "3号楼电梯故障", contact_phone="13812345671")
    for phone in ("13900000001", "13900000002"):
        need("路灯不亮", "5号楼路灯不亮", contact_phone=phone)
    start, end = period()
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    assert NeedsListEntry.objects.filter(needs_list=lst).count() == 2
    from procurement.services.needs import reject_need

    for n in Need.objects.filter(title="路灯不亮"):
        reject_need(need_id=n.pk, by=cast.community_a1, reason="out_of_scope", note="归市政")
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    assert NeedsListEntry.objects.filter(needs_list=lst).count() == 1


def test_publish_and_public_list(cast, api, django_assert_num_queries):
    need("电梯故障", "3号楼电梯故障", contact_phone="13812345678")
    start, end = period()
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    assert api.get("/api/v1/lists/needs/").data["count"] == 0
    assert api_as(cast.street_a).post(f"/api/v1/needs-lists/{lst.pk}/publish/").status_code == 403
    r = api_as(cast.district).post(f"/api/v1/needs-lists/{lst.pk}/publish/")
    assert r.status_code == 200 and r.data["state"] == "published"
    assert api_as(cast.district).post(f"/api/v1/needs-lists/{lst.pk}/publish/").status_code == 409
    r = api.get("/api/v1/lists/needs/")
    row = r.data["results"][0]
    assert row["rank"] == 1 and row["resident_count"] == 1 and "13812345678" not in str(r.data)
    with django_assert_num_queries(3):
        api.get("/api/v1/lists/needs/")
    for text in ("草坪枯黄", "树枝遮挡窗户", "花坛杂草丛生", "绿篱修剪", "银杏落叶清扫"):
        need(text, text, cat="greening")
    NeedsList.objects.filter(pk=lst.pk).update(state="draft")
    lists.compile_needs_list(period_start=start, period_end=end)
    NeedsList.objects.filter(pk=lst.pk).update(state="published")
    with django_assert_num_queries(3):
        assert api.get("/api/v1/lists/needs/").data["count"] == 6
    assert "电梯" in api.get("/lists/needs/").content.decode()


def test_published_list_is_frozen(cast):
    need("电梯故障", "电梯故障")
    start, end = period()
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    NeedsList.objects.filter(pk=lst.pk).update(state="published")
    need("路灯不亮", "路灯不亮")
    lists.compile_needs_list(period_start=start, period_end=end)
    assert NeedsListEntry.objects.filter(needs_list=lst).count() == 1


def test_merge_and_split_through_the_api(cast):
    a = need("电梯故障", "3号楼电梯故障")
    b = need("楼道堆物", "楼道堆放杂物")
    c = need("电梯停运", "电梯停运", code="110114011002")
    lists.group_pending_needs(100)
    ta, tb, tc = (Need.objects.get(pk=n.pk).topic_id for n in (a, b, c))
    client = api_as(cast.street_a)
    r = client.post(f"/api/v1/topics/{ta}/merge/", {"topics": [tb, tc]}, format="json")
    assert r.status_code == 200 and r.data["need_count"] == 3
    assert r.data["area"]["code"] == "110114011"  # communities of one street → a street topic
    assert Topic.objects.get(pk=tb).state == "merged"
    r = client.post(f"/api/v1/topics/{ta}/split/", {"needs": [b.pk]}, format="json")
    assert r.status_code == 201 and r.data["need_count"] == 1
    assert Need.objects.get(pk=b.pk).topic_id == r.data["id"]
    assert (
        client.post(
            f"/api/v1/topics/{ta}/split/", {"needs": [a.pk, c.pk]}, format="json"
        ).status_code
        == 409
    )
    # Community A2 cannot edit a street topic; street B does not see it.
    assert (
        api_as(cast.community_a2)
        .post(f"/api/v1/topics/{ta}/split/", {"needs": [a.pk]}, format="json")
        .status_code
        == 404
    )
    assert (
        api_as(cast.street_b)
        .post(f"/api/v1/topics/{ta}/merge/", {"topics": [tb]}, format="json")
        .status_code
        == 404
    )
    assert api_as(cast.resident).get("/api/v1/topics/").data["count"] == 0


def test_promote_topic_to_purchase_item(cast):
    n = need("电梯故障", "电梯故障")
    lists.group_pending_needs(10)
    topic = Need.objects.get(pk=n.pk).topic
    client = api_as(cast.community_a1)
    url = f"/api/v1/topics/{topic.pk}/promote/"
    r = client.post(url, {"estimated_budget": "0", "service_standard": "每月巡检"}, format="json")
    assert r.status_code == 409
    r = client.post(
        url, {"estimated_budget": "12000.50", "service_standard": "每月巡检"}, format="json"
    )
    assert r.status_code == 201 and r.data["estimated_budget"] == "12000.50"
    assert topic.purchase_item.estimated_budget == Decimal("12000.50")
    assert (
        client.post(url, {"estimated_budget": "1", "service_standard": "x"}, format="json").data[
            "code"
        ]
        == "already_promoted"
    )
    assert (
        api_as(cast.auditor)
        .post(url, {"estimated_budget": "1", "service_standard": "x"}, format="json")
        .status_code
        == 403
    )


def test_periods():
    d = datetime.date(2026, 5, 14)
    assert lists.period_containing(d, "monthly") == (
        datetime.date(2026, 5, 1),
        datetime.date(2026, 5, 31),
    )
    assert lists.period_containing(d, "quarterly") == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
    )
    assert lists.period_containing(d, "weekly") == (
        datetime.date(2026, 5, 11),
        datetime.date(2026, 5, 17),
    )


def test_beat_task_compiles_current_period(cast):
    from procurement.tasks import compile_needs_list

    need("电梯故障", "电梯故障")
    pk = compile_needs_list.delay().get()
    assert NeedsList.objects.get(pk=pk).entries.count() == 1


def test_topics_list_query_count(cast, django_assert_num_queries):
    for text in ("电梯故障", "路灯不亮"):
        need(text, text)
    lists.group_pending_needs(10)
    client = api_as(cast.street_a)
    client.get("/api/v1/topics/")
    with django_assert_num_queries(2):
        assert client.get("/api/v1/topics/").data["count"] == 2
    for text in ("乱停车", "井盖缺失", "树枝遮挡"):
        need(text, text)
    lists.group_pending_needs(10)
    with django_assert_num_queries(2):
        assert client.get("/api/v1/topics/").data["count"] == 5


def test_entries_go_with_their_list_and_their_topic(cast):
    """The entries carry no database foreign keys: Django's on_delete removes them."""
    need("电梯故障", "3号楼电梯故障")
    need("路灯不亮", "5号楼路灯不亮")
    start, end = period()
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    gone = NeedsListEntry.objects.filter(needs_list=lst).first().topic
    Need.objects.filter(topic=gone).update(topic=None)
    gone.delete()
    assert list(NeedsListEntry.objects.filter(needs_list=lst).values_list("topic", flat=True)) == [
        t.pk for t in Topic.objects.exclude(pk=gone.pk)
    ]
    lst.delete()
    assert not NeedsListEntry.objects.exists()
