"""Personal data in residents' words never reaches the public needs list unmasked."""

import pytest
from django.utils import timezone

from huitian.privacy import holds_personal_data, mask_personal_data
from procurement.models import Topic
from procurement.services import lists
from tests.procurement.factories import web_need


@pytest.mark.parametrize(
    "text, masked, found",
    [
        ("3号楼2单元502室漏水", "***漏水", ("room",)),
        ("住5-2-502的老人没人照顾", "住***的老人没人照顾", ("room",)),
        ("502室楼上噪音", "***楼上噪音", ("room",)),
        ("2单元502楼上漏水", "***楼上漏水", ("room",)),
        ("电话13812345678王阿姨", "电话***王阿姨", ("phone",)),
        ("请回电 138-1234-5678", "请回电 ***", ("phone",)),
        ("固话010-62345678", "固话***", ("phone",)),
        ("身份证110105199001011234", "身份证***", ("id_number",)),
        ("3号楼2单元502室 13812345678", "*** ***", ("phone", "room")),
        # Not personal: a building, a date, a count of households, a short number.
        ("3号楼前井盖缺失", "3号楼前井盖缺失", ()),
        ("2026-11-20 起停水", "2026-11-20 起停水", ()),
        ("小区有200户居民", "小区有200户居民", ()),
        ("12345 热线转办", "12345 热线转办", ()),
    ],
)
def test_mask_personal_data(text, masked, found):
    result = mask_personal_data(text)
    assert (result.text, result.found) == (masked, found)
    # The one-search check a screen of many titles asks first agrees with the mask.
    assert holds_personal_data(text) is bool(found)


pytestmark = pytest.mark.django_db

LEAKY = "3号楼2单元502室漏水严重 电话13812345678"
NO_INLINES = {
    "huitian-transition-content_type-object_id-TOTAL_FORMS": 0,
    "huitian-transition-content_type-object_id-INITIAL_FORMS": 0,
}


def _need(title, text="楼上漏水，墙面发霉"):
    return web_need(title, text)


def test_a_grouped_topic_gets_a_masked_title_and_a_review_flag(cast):
    need = _need(LEAKY)
    lists.group_pending_needs(100)
    topic = Topic.objects.get(needs__pk=need.pk)
    assert "13812345678" not in topic.title and "502" not in topic.title
    assert "漏水严重" in topic.title
    assert topic.needs_review and topic.review_reason
    clean = _need("路灯不亮", "5号楼前路灯不亮")
    lists.group_pending_needs(100)
    assert not Topic.objects.get(needs__pk=clean.pk).needs_review


def test_compile_and_publish_mask_titles_that_reached_topics_another_way(cast, api):
    need = _need("电梯故障")
    lists.group_pending_needs(100)
    topic = Topic.objects.get(needs__pk=need.pk)
    Topic.objects.filter(pk=topic.pk).update(title=LEAKY)  # e.g. an old row, a raw edit
    start, end = lists.period_containing(timezone.localdate())
    lst = lists.compile_needs_list(period_start=start, period_end=end, full=True)
    topic.refresh_from_db()
    assert topic.needs_review and "13812345678" not in topic.title
    assert topic.history.first().history_change_reason == "mask personal data"
    Topic.objects.filter(pk=topic.pk).update(title="回电13912345678")  # edited after compile
    lists.publish_needs_list(list_id=lst.pk, by=cast.district)
    public = str(api.get("/api/v1/lists/needs/").data)
    assert "13912345678" not in public and "回电***" in public


def test_staff_retitle_through_the_admin_is_masked_and_the_list_shows_what_to_review(
    cast, client_as
):
    need = _need("电梯故障")
    lists.group_pending_needs(100)
    topic = Topic.objects.get(needs__pk=need.pk)
    c = client_as(cast.street_a)
    r = c.post(
        f"/admin/procurement/topic/{topic.pk}/change/", {"title": "5-2-502 电梯故障", **NO_INLINES}
    )
    assert r.status_code == 302
    topic.refresh_from_db()
    assert topic.title == "*** 电梯故障" and topic.needs_review
    start, end = lists.period_containing(timezone.localdate())
    lst = lists.compile_needs_list(period_start=start, period_end=end, by=cast.district)
    html = client_as(cast.district).get(f"/admin/procurement/needslist/{lst.pk}/change/")
    assert "*** 电梯故障" in html.content.decode() and topic.review_reason in html.content.decode()
    # The publisher reviewed it; a clean retitle also clears the flag.
    client_as(cast.district).post(
        "/admin/procurement/topic/",
        {"action": "mark_reviewed", "_selected_action": [topic.pk]},
    )
    topic.refresh_from_db()
    assert not topic.needs_review and topic.review_reason == ""
    lists.rename_topic(topic_id=topic.pk, by=cast.street_a, title="电梯 13812345678")
    assert Topic.objects.get(pk=topic.pk).needs_review
    lists.rename_topic(topic_id=topic.pk, by=cast.street_a, title="电梯经常故障")
    assert not Topic.objects.get(pk=topic.pk).needs_review
    # Another street's clerk cannot retitle it.
    r = client_as(cast.street_b).post(
        f"/admin/procurement/topic/{topic.pk}/change/", {"title": "别的", **NO_INLINES}
    )
    assert r.status_code == 302 and Topic.objects.get(pk=topic.pk).title == "电梯经常故障"


def test_promoted_item_title_is_masked(cast):
    need = _need("电梯故障")
    lists.group_pending_needs(100)
    topic = Topic.objects.get(needs__pk=need.pk)
    item = lists.promote_topic(
        topic_id=topic.pk,
        by=cast.street_a,
        estimated_budget="1000",
        service_standard="每月巡检",
        title="为502室王阿姨修电梯",
    )
    assert item.title == "为***王阿姨修电梯"


def test_a_compile_screens_only_titles_that_changed_since_they_were_last_screened(
    cast, monkeypatch
):
    from procurement.services import titles

    for title in ("电梯故障", "路灯不亮", "垃圾满溢"):
        _need(title, f"3号楼{title}")
    lists.group_pending_needs(100)  # grouping screens each new title as it writes it
    read = []
    real = titles.holds_personal_data
    monkeypatch.setattr(titles, "holds_personal_data", lambda t: read.append(t) or real(t))
    start, end = lists.period_containing(timezone.localdate())
    lists.compile_needs_list(period_start=start, period_end=end, full=True)
    assert read == []
    leaky = Topic.objects.get(title="路灯不亮")
    Topic.objects.filter(pk=leaky.pk).update(title="路灯不亮 回电13812345678")  # a raw edit
    lists.compile_needs_list(period_start=start, period_end=end, full=True)
    assert read == ["路灯不亮 回电13812345678"]
    leaky.refresh_from_db()
    assert leaky.title == "路灯不亮 回电***" and leaky.needs_review
    lists.compile_needs_list(period_start=start, period_end=end, full=True)
    assert len(read) == 1  # the masked title is the screened one now
