"""Offers, whistle calls, topics, needs lists and purchase items move through their workflows.

Every state change writes a Transition row (who, from, to, step) and a history row,
one at a time or in batches; a repeated bulk run records nothing twice.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from huitian import workflow
from huitian.models import Role, Transition
from huitian.workflow import WorkflowError, transitions_of
from procurement.models import (
    Need,
    NeedImport,
    NeedsList,
    Offer,
    PurchaseItem,
    Topic,
    WhistleCall,
)
from procurement.services import lists, offers, whistle
from tests.conftest import make_user
from tests.procurement.factories import (
    OfferFactory,
    OrganizationFactory,
    category,
    community,
    web_need,
)

pytestmark = pytest.mark.django_db


def steps(obj):
    return [(t.step, t.from_state, t.to_state, t.by) for t in transitions_of(obj)]


@pytest.mark.parametrize(
    "model", [Need, NeedImport, Offer, WhistleCall, Topic, NeedsList, PurchaseItem]
)
def test_every_step_names_its_states_from_the_enum(model):
    for step in model.FLOW.steps:
        assert all(isinstance(s, model.State) for s in step.source), step
        assert isinstance(step.target, model.State), step


def test_publish_and_withdraw_an_offer_record_who_did_it(cast):
    org = OrganizationFactory()
    member = make_user("om", Role.ORG_MEMBER, organization=org)
    offer = offers.publish_offer(
        by=member,
        organization=org,
        category=category(),
        title="送餐",
        description="午餐配送",
        areas=[community()],
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    offers.withdraw_offer(offer_id=offer.pk, by=member)
    assert steps(offer) == [
        ("publish", "", "active", member),
        ("withdraw", "active", "withdrawn", member),
    ]
    latest = offer.history.first()
    assert latest.state == "withdrawn" and latest.history_user == member
    with pytest.raises(WorkflowError):
        offers.withdraw_offer(offer_id=offer.pk, by=member)
    assert len(steps(offer)) == 2


def test_expiry_is_the_systems_step_in_batches_and_idempotent(cast, monkeypatch):
    monkeypatch.setattr(workflow, "BATCH_SIZE", 2)
    past = timezone.localdate() - datetime.timedelta(days=1)
    stale = [OfferFactory(valid_until=past) for _i in range(5)]
    fresh = OfferFactory()
    withdrawn = OfferFactory(valid_until=past, state="withdrawn")
    assert offers.expire_offers()["expired"] == 5
    for offer in stale:
        offer.refresh_from_db()
        assert offer.state == "expired"
        ((step, was, now, by),) = steps(offer)
        assert (step, was, now, by) == ("expire", "active", "expired", None)
        assert transitions_of(offer).get().note  # says why, since no person acted
        assert offer.history.first().state == "expired"
    assert steps(fresh) == [] and steps(withdrawn) == []
    before = Transition.objects.count()
    assert offers.expire_offers()["expired"] == 0
    assert Transition.objects.count() == before


def test_whistle_call_steps(cast):
    from procurement.services.whistle import respond_to_call

    org = OfferFactory().organization
    member = make_user("wm", Role.ORG_MEMBER, organization=org)
    call = whistle.raise_whistle_call(
        by=cast.community_a1,
        community=community(),
        category=category(),
        problem="老年餐桌人手不足",
        urgency=1,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    response = respond_to_call(call_id=call.pk, organization_id=org.pk, by=member, brings="两人")
    assert response.history.get().history_user == member  # who reported, in the history too
    assert call.history.get().history_user == cast.community_a1
    whistle.select_responders(call_id=call.pk, response_ids=[response.pk], by=cast.community_a1)
    response.refresh_from_db()
    assert response.selected and response.history.first().history_user == cast.community_a1
    with pytest.raises(WorkflowError):
        whistle.select_responders(call_id=call.pk, response_ids=[response.pk], by=cast.community_a1)
    whistle.close_whistle_call(call_id=call.pk, by=cast.street_a, note="已解决")
    call.refresh_from_db()
    assert call.state == "closed" and call.history.first().history_user == cast.street_a
    assert steps(call) == [
        ("raise", "", "open", cast.community_a1),
        ("select", "open", "selected", cast.community_a1),
        ("close", "selected", "closed", cast.street_a),
    ]
    with pytest.raises(WorkflowError):
        whistle.close_whistle_call(call_id=call.pk, by=cast.street_a)


def test_closing_a_call_is_for_its_staff_only(cast):
    from django.core.exceptions import PermissionDenied

    call = whistle.raise_whistle_call(
        by=cast.community_a1,
        community=community(),
        category=category(),
        problem="积水",
        urgency=1,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    for user in (cast.community_b1, cast.auditor):
        with pytest.raises(PermissionDenied):
            whistle.close_whistle_call(call_id=call.pk, by=user)
    assert WhistleCall.objects.get(pk=call.pk).state == "open"


def _topics(*titles):
    needs = [web_need(title) for title in titles]
    lists.group_pending_needs(100)
    return [Topic.objects.get(needs__pk=n.pk) for n in needs]


def test_merge_records_a_step_for_every_merged_topic(cast, monkeypatch):
    monkeypatch.setattr(workflow, "BATCH_SIZE", 1)
    a, b, c = _topics("电梯故障", "楼道堆物", "路灯不亮")
    lists.merge_topics(into_id=a.pk, other_ids=[b.pk, c.pk], by=cast.street_a)
    for topic in (b, c):
        topic.refresh_from_db()
        assert topic.state == "merged" and topic.merged_into_id == a.pk
        assert steps(topic) == [("merge", "open", "merged", cast.street_a)]
        assert str(a.pk) in transitions_of(topic).get().note
        assert topic.history.first().history_user == cast.street_a
    assert steps(a) == []


def test_matched_topic_and_item_record_the_step(cast):
    (topic,) = _topics("电梯故障")
    item = lists.promote_topic(
        topic_id=topic.pk, by=cast.street_a, estimated_budget=Decimal("100"), service_standard="x"
    )
    lists.mark_topic_matched(topic_id=topic.pk, by=cast.street_a, purchase_item_id=item.pk)
    lists.mark_topic_matched(topic_id=topic.pk, by=cast.district)  # a second organization
    topic.refresh_from_db()
    item.refresh_from_db()
    assert topic.state == "matched" and item.state == "matched"
    assert steps(topic) == [
        ("match", "open", "matched", cast.street_a),
        ("match", "matched", "matched", cast.district),
    ]
    assert steps(item) == [
        ("promote", "", "proposed", cast.street_a),
        ("match", "proposed", "matched", cast.street_a),
    ]
    lists.merge_topics(into_id=_topics("楼道堆物")[0].pk, other_ids=[topic.pk], by=cast.street_a)
    with pytest.raises(WorkflowError):
        lists.mark_topic_matched(topic_id=topic.pk, by=cast.street_a)


def test_needs_list_compile_and_publish_steps(cast):
    _topics("电梯故障")
    start, end = lists.period_containing(timezone.localdate())
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    lists.compile_needs_list(period_start=start, period_end=end)  # again: no second "compile"
    lists.publish_needs_list(list_id=lst.pk, by=cast.district)
    lst.refresh_from_db()
    assert lst.state == "published" and lst.published_by == cast.district
    assert steps(lst) == [
        ("compile", "", "draft", None),
        ("publish", "draft", "published", cast.district),
    ]
    assert lst.history.first().history_user == cast.district


def test_confirming_a_match_records_the_matched_step(cast):
    from procurement.services.matching import confirm_match

    offer = OfferFactory()
    need = web_need("老年餐桌午餐不够", cat="elderly_meals")
    lists.group_pending_needs(100)
    topic = Topic.objects.get(needs__pk=need.pk)
    confirm_match(topic_id=topic.pk, organization_id=offer.organization_id, by=cast.street_a)
    assert steps(topic) == [("match", "open", "matched", cast.street_a)]
