"""Grouping a batch of needs: which topics a need may join, read for the whole batch at once."""

import datetime

import pytest
from django.utils import timezone

from procurement.models import Need, Topic
from procurement.services import lists
from tests.procurement.factories import category, community, web_need
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _topic(title, *, area, cat="property_management", last=None, tokens="电梯 故障"):
    now = timezone.now()
    return Topic.objects.create(
        area=area,
        category=category(cat),
        title=title,
        tokens=tokens,
        last_need_at=last or now,
        need_count=1,
    )


def test_a_street_topic_takes_the_needs_of_each_of_its_communities(cast):
    street_topic = _topic("电梯故障", area=community("110114011001").parent)
    a1 = web_need("电梯故障", "3号楼电梯故障", code="110114011001")
    a2 = web_need("电梯又故障", "电梯故障停运", code="110114011002")
    other_street = web_need("电梯故障", "电梯故障", code="110114008001")
    lists.group_pending_needs(100)
    assert Need.objects.get(pk=a1.pk).topic_id == street_topic.pk
    assert Need.objects.get(pk=a2.pk).topic_id == street_topic.pk
    assert Need.objects.get(pk=other_street.pk).topic_id != street_topic.pk
    street_topic.refresh_from_db()
    assert street_topic.need_count == 2


def test_a_topic_quiet_for_longer_than_the_window_takes_no_new_need(cast):
    here = community("110114011001")
    old = _topic(
        "电梯故障",
        area=here,
        last=timezone.now() - datetime.timedelta(days=lists_window() + 1),
    )
    other_category = _topic("电梯故障", area=here, cat="elderly_meals")
    n = web_need("电梯故障", "电梯故障")
    lists.group_pending_needs(100)
    topic_id = Need.objects.get(pk=n.pk).topic_id
    assert topic_id not in (old.pk, other_category.pk)
    assert Topic.objects.get(pk=topic_id).title == "电梯故障"


def lists_window():
    from procurement.services.topics import TOPIC_WINDOW_DAYS

    return TOPIC_WINDOW_DAYS


def test_the_largest_matching_topic_wins(cast):
    here = community("110114011001")
    small = _topic("电梯故障", area=here)
    large = _topic("电梯坏了", area=here)
    Topic.objects.filter(pk=large.pk).update(need_count=9)
    n = web_need("电梯故障", "电梯故障")
    lists.group_pending_needs(100)
    assert Need.objects.get(pk=n.pk).topic_id == large.pk != small.pk


def test_a_batch_reads_its_candidate_topics_in_one_query(cast):
    """The queries of a batch do not grow with its communities and categories."""
    codes = ["110114011001", "110114011002", "110114008001"]
    cats = ["property_management", "elderly_meals"]

    def batch(keys):
        for code, cat in keys:
            web_need("楼道灯不亮", "5号楼楼道灯不亮", code=code, cat=cat)
        return count_queries(lambda: lists.group_pending_needs(100))

    one_key = batch([(codes[0], cats[0])] * 6)
    six_keys = batch([(code, cat) for code in codes for cat in cats])
    assert one_key == six_keys
    assert Need.objects.filter(grouped_at__isnull=True).count() == 0
