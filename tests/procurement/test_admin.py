"""Staff admin: scoped lists, masked contacts, actions through services, staff entry."""

import pytest

from procurement.models import Need
from tests.procurement.factories import NeedFactory, community

pytestmark = pytest.mark.django_db


def test_changelist_is_scoped(cast, client_as):
    a = NeedFactory(title="A1的需求")
    NeedFactory(title="B1的需求", community=community("110114008001"))
    html = client_as(cast.community_a1).get("/admin/procurement/need/").content.decode()
    assert "A1的需求" in html and "B1的需求" not in html
    assert (
        client_as(cast.community_b1).get(f"/admin/procurement/need/{a.pk}/change/").status_code
        == 302
    )


def test_auditor_sees_masked_contact_and_handler_sees_full(cast, client_as):
    need = NeedFactory()
    html = (
        client_as(cast.auditor).get(f"/admin/procurement/need/{need.pk}/change/").content.decode()
    )
    assert "138****5678" in html and "13812345678" not in html
    html = (
        client_as(cast.community_a1)
        .get(f"/admin/procurement/need/{need.pk}/change/")
        .content.decode()
    )
    assert "13812345678" in html


def test_accept_action_uses_the_service(cast, client_as):
    ok = NeedFactory()
    done = NeedFactory(state="accepted")
    r = client_as(cast.community_a1).post(
        "/admin/procurement/need/",
        {"action": "accept_selected", "_selected_action": [ok.pk, done.pk]},
        follow=True,
    )
    assert r.status_code == 200
    ok.refresh_from_db()
    assert ok.state == "accepted" and ok.responded_at
    levels = [m.level_tag for m in r.context["messages"]]
    assert "error" in levels and "success" in levels  # the accepted one is refused, with a reason


def test_staff_entry_in_admin(cast, client_as):
    from huitian.models import Category

    data = {
        "channel": "staff_report",
        "community": community().pk,
        "category": Category.objects.get(code="special_affairs").pk,
        "title": "井盖缺失",
        "text": "5号楼前井盖缺失，存在安全隐患",
        "urgency": 3,
        "transition_set-TOTAL_FORMS": 0,
        "transition_set-INITIAL_FORMS": 0,
        "huitian-transition-content_type-object_id-TOTAL_FORMS": 0,
        "huitian-transition-content_type-object_id-INITIAL_FORMS": 0,
    }
    # A street is not a community: a form error, not a server error.
    r = client_as(cast.community_a1).post(
        "/admin/procurement/need/add/", {**data, "community": community().parent_id}
    )
    assert r.status_code == 200 and "community" in r.context["adminform"].form.errors
    assert not Need.objects.exists()
    r = client_as(cast.community_a1).post("/admin/procurement/need/add/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    need = Need.objects.get()
    assert need.channel == "staff_report" and need.response_due and len(need.tracking_code) == 10


def _topics(*titles):
    from procurement.services import lists
    from procurement.services.needs import submit_need
    from tests.procurement.factories import category

    needs = [
        submit_need(
            channel="web_form",
            community=community(),
            category=category("property_management"),
            title=title,
            text=title,
        )
        for title in titles
    ]
    lists.group_pending_needs(100)
    return [Need.objects.get(pk=n.pk).topic_id for n in needs]


def test_merge_action_refuses_a_topic_already_merged(cast, client_as):
    """The API hides merged topics; the admin list shows them, so the service must refuse."""
    from procurement.models import Topic
    from procurement.services import lists

    ta, tb, tc = _topics("电梯故障", "楼道堆物", "路灯不亮")
    lists.merge_topics(into_id=ta, other_ids=[tb], by=cast.street_a)
    # tb (merged into ta) is the lowest pk after ta is left out: it would be the target.
    r = client_as(cast.street_a).post(
        "/admin/procurement/topic/",
        {"action": "merge_selected", "_selected_action": [tb, tc]},
        follow=True,
    )
    assert [m.level_tag for m in r.context["messages"]] == ["error"]
    assert Topic.objects.get(pk=tc).state == "open"
    assert Topic.objects.get(pk=tb).merged_into_id == ta
    assert Need.objects.filter(topic_id=tc).count() == 1
    assert Need.objects.filter(topic_id=tb).count() == 0


def test_compile_action_only_for_list_publishers(cast, client_as):
    from django.utils import timezone

    from procurement.models import NeedsList
    from procurement.services import lists

    _topics("电梯故障")
    start, end = lists.period_containing(timezone.localdate())
    lst = NeedsList.objects.create(period_start=start, period_end=end)
    for user in (cast.auditor, cast.community_a1):
        r = client_as(user).post(
            "/admin/procurement/needslist/",
            {"action": "compile_selected", "_selected_action": [lst.pk]},
            follow=True,
        )
        assert [m.level_tag for m in r.context["messages"]] == ["error"]
        lst.refresh_from_db()
        assert lst.compiled_at is None and not lst.entries.exists()
    r = client_as(cast.district).post(
        "/admin/procurement/needslist/",
        {"action": "compile_selected", "_selected_action": [lst.pk]},
        follow=True,
    )
    assert [m.level_tag for m in r.context["messages"]] == ["success"]
    lst.refresh_from_db()
    assert lst.compiled_at is not None and lst.entries.count() == 1
