"""Staff admin: scoped lists, masked contacts, actions through services, staff entry."""

import pytest

from procurement.models import Need
from tests.procurement.factories import NeedFactory, community, web_need

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

    needs = [web_need(title) for title in titles]
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


NO_INLINES = {
    "huitian-transition-content_type-object_id-TOTAL_FORMS": 0,
    "huitian-transition-content_type-object_id-INITIAL_FORMS": 0,
}


def _field_errors(response, field):
    return response.context["adminform"].form.errors.get(field, [])


def test_purchase_item_add_goes_through_promote_topic(cast, client_as):
    from huitian.models import Transition
    from procurement.models import PurchaseItem

    (topic,) = _topics("电梯故障")
    c = client_as(cast.street_a)
    data = {"topic": topic, "title": "电梯维保", "service_standard": "每月巡检"}
    for budget in ("0", "-5", "0.00"):
        r = c.post("/admin/procurement/purchaseitem/add/", {**data, "estimated_budget": budget})
        assert r.status_code == 200 and _field_errors(r, "estimated_budget")  # beside the field
        assert not PurchaseItem.objects.exists()
    r = c.post("/admin/procurement/purchaseitem/add/", {**data, "estimated_budget": "48000"})
    assert r.status_code == 302, r.context["adminform"].form.errors
    item = PurchaseItem.objects.get()
    assert item.created_by == cast.street_a and item.state == "proposed"
    assert Transition.objects.filter(object_id=item.pk, step="promote").exists()
    # A clerk of another street cannot promote this street's topic (and nothing is written).
    item.delete()
    r = client_as(cast.street_b).post(
        "/admin/procurement/purchaseitem/add/", {**data, "estimated_budget": "100"}
    )
    assert r.status_code == 200 and r.context["adminform"].form.non_field_errors()
    assert not PurchaseItem.objects.exists()
    assert client_as(cast.auditor).get("/admin/procurement/purchaseitem/add/").status_code == 403


def test_purchase_item_change_refuses_a_budget_at_or_below_zero(cast, client_as):
    from decimal import Decimal

    from procurement.services import lists

    (topic,) = _topics("电梯故障")
    item = lists.promote_topic(
        topic_id=topic, by=cast.street_a, estimated_budget="100", service_standard="巡检"
    )
    url = f"/admin/procurement/purchaseitem/{item.pk}/change/"
    c = client_as(cast.street_a)
    data = {"title": "电梯维保", "service_standard": "每月巡检", **NO_INLINES}
    r = c.post(url, {**data, "estimated_budget": "0"})
    assert r.status_code == 200 and _field_errors(r, "estimated_budget")
    item.refresh_from_db()
    assert item.estimated_budget == Decimal("100.00")
    # State is the workflow's: a posted state is ignored.
    r = c.post(url, {**data, "estimated_budget": "200", "state": "matched"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.estimated_budget, item.title, item.state) == (
        Decimal("200.00"),
        "电梯维保",
        "proposed",
    )
    assert item.history.first().history_user == cast.street_a
    assert client_as(cast.auditor).post(url, {**data, "estimated_budget": "1"}).status_code == 403


def test_need_entry_refusals_come_from_the_service(cast, client_as):
    """No narrowed choices in the admin: a retired category is refused by submit_need."""
    from huitian.models import Category

    retired = Category.objects.get(code="special_affairs")
    Category.objects.filter(pk=retired.pk).update(is_active=False)
    data = {
        "channel": "staff_report",
        "community": community().pk,
        "category": retired.pk,
        "title": "井盖缺失",
        "text": "5号楼前井盖缺失",
        "urgency": 1,
        **NO_INLINES,
    }
    r = client_as(cast.community_a1).post("/admin/procurement/need/add/", data)
    assert r.status_code == 200 and _field_errors(r, "category")
    assert not Need.objects.exists()


def test_need_change_form_writes_nothing(cast, client_as):
    need = NeedFactory()
    r = client_as(cast.community_a1).post(
        f"/admin/procurement/need/{need.pk}/change/", {"title": "改了", "state": "closed"}
    )
    assert r.status_code in (200, 302)
    need.refresh_from_db()
    assert need.state == "received" and need.title != "改了" and not need.history.count() > 1


def test_category_deadlines_are_reference_data_for_district_admins(cast, client_as):
    from procurement.models import CategoryDeadline
    from tests.procurement.factories import category

    row = CategoryDeadline.objects.create(category=category(), response_days=1)
    url = f"/admin/procurement/categorydeadline/{row.pk}/change/"
    data = {"category": row.category_id, "response_days": 2, "resolution_days": 10}
    assert client_as(cast.street_a).post(url, data).status_code == 403
    assert client_as(cast.street_a).get(url).status_code == 200  # read
    assert client_as(cast.district).post(url, data).status_code == 302
    row.refresh_from_db()
    assert (row.response_days, row.resolution_days) == (2, 10)


def test_read_only_records_cannot_be_changed_in_the_admin(cast, client_as):
    from tests.procurement.factories import OfferFactory

    offer = OfferFactory()
    url = f"/admin/procurement/offer/{offer.pk}/change/"
    r = client_as(cast.district).post(url, {"title": "改了", "state": "withdrawn"})
    assert r.status_code == 403
    offer.refresh_from_db()
    assert offer.state == "active" and offer.title != "改了"
