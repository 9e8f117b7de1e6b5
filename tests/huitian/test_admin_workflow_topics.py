"""Topics and draft needs lists in the admin (issue 13, item 11): the draft list shows its
topics (needs counts, flagged titles) before publishing; split and promote screens call
the services."""

import pytest
from django.utils import timezone

from procurement.models import Need, NeedsList, PurchaseItem, Topic
from procurement.services import lists
from tests.procurement.factories import web_need

pytestmark = pytest.mark.django_db


def _topic(n=3):
    for i in range(n):
        web_need(
            "3号楼电梯故障", "小区3号楼电梯经常故障，老人上下楼困难", contact_phone=f"1381234567{i}"
        )
    lists.group_pending_needs(100)
    return Topic.objects.get()


def test_draft_list_shows_its_topics_with_counts_and_flags(cast, client_as):
    topic = _topic()
    Topic.objects.filter(pk=topic.pk).update(needs_review=True, review_reason="标题含手机号")
    start, end = lists.period_containing(timezone.localdate())
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    assert lst.state == NeedsList.State.DRAFT
    html = client_as(cast.district).get(f"/admin/procurement/needslist/{lst.pk}/change/")
    html = html.content.decode()
    table = html[html.index("topics-in-list") :]
    assert topic.title in table and "<td>3</td>" in table and "标题含手机号" in table
    # the publish step is a button on the page, for the district only
    assert 'data-step="publish"' in html
    street = client_as(cast.street_a).get(f"/admin/procurement/needslist/{lst.pk}/change/")
    assert 'data-step="publish"' not in street.content.decode()


def test_split_screen_moves_chosen_needs_to_a_new_topic(cast, client_as):
    topic = _topic()
    needs = list(Need.objects.filter(topic=topic).order_by("pk"))
    c = client_as(cast.community_a1)
    page = c.get(f"/admin/procurement/topic/{topic.pk}/change/").content.decode()
    assert f"/admin/procurement/topic/{topic.pk}/split/" in page
    form = c.get(f"/admin/procurement/topic/{topic.pk}/split/").content.decode()
    assert needs[0].tracking_code in form
    # all of them: refused by the service, in words
    r = c.post(
        f"/admin/procurement/topic/{topic.pk}/split/",
        {"needs": [n.pk for n in needs], "title": ""},
        follow=True,
    )
    assert any(m.level_tag == "error" for m in r.context["messages"])
    r = c.post(
        f"/admin/procurement/topic/{topic.pk}/split/",
        {"needs": [needs[-1].pk], "title": "3号楼电梯异响"},
    )
    assert r.status_code == 302
    new = Topic.objects.exclude(pk=topic.pk).get()
    assert new.title == "3号楼电梯异响" and new.need_count == 1
    topic.refresh_from_db()
    assert topic.need_count == 2


def test_split_screen_refuses_readers_and_out_of_area_staff(cast, client_as):
    topic = _topic(2)
    assert (
        client_as(cast.auditor).get(f"/admin/procurement/topic/{topic.pk}/split/").status_code
        == 403
    )
    r = client_as(cast.community_b1).get(f"/admin/procurement/topic/{topic.pk}/split/")
    assert r.status_code in (302, 404)


def test_promote_screen_prefills_the_topic_and_calls_the_service(cast, client_as):
    topic = _topic(1)
    c = client_as(cast.street_a)
    page = c.get(f"/admin/procurement/topic/{topic.pk}/change/").content.decode()
    link = f"/admin/procurement/purchaseitem/add/?topic={topic.pk}"
    assert link in page
    form = c.get(link).content.decode()
    assert f'value="{topic.pk}"' in form and topic.title in form
    r = c.post(
        "/admin/procurement/purchaseitem/add/",
        {
            "topic": topic.pk,
            "title": topic.title,
            "estimated_budget": "12000",
            "service_standard": "每周两次巡检",
        },
    )
    assert r.status_code == 302
    assert PurchaseItem.objects.get().topic == topic
