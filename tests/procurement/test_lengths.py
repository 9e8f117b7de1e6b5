"""Free text has its limit in the service (a field error naming both lengths) and in the
database (a CHECK constraint, so a bulk `.update()` or a forgotten door cannot store more)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from huitian.models import Role
from huitian.validators import check_lengths
from procurement.models import Need, Offer, PurchaseItem, WhistleCall, WhistleResponse
from procurement.services import lists, offers, whistle
from tests.conftest import make_user
from tests.procurement.factories import OfferFactory, category, community, web_need

pytestmark = pytest.mark.django_db


def test_check_lengths_names_every_field_with_both_lengths():
    check_lengths(note=("字" * 10, 10), comment=(None, 5))
    with pytest.raises(ValidationError) as exc:
        check_lengths(note=("字" * 11, 10), comment=("ab", 5), text=("x" * 7, 6))
    errors = exc.value.message_dict
    assert set(errors) == {"note", "text"}
    assert "10" in errors["note"][0] and "11" in errors["note"][0]
    assert "6" in errors["text"][0] and "7" in errors["text"][0]
    assert exc.value.error_dict["note"][0].code == "too_long"


def _member():
    org = OfferFactory().organization
    return org, make_user("om", Role.ORG_MEMBER, organization=org)


def _publish(member, org, description):
    return offers.publish_offer(
        by=member,
        organization=org,
        category=category(),
        title="送餐",
        description=description,
        areas=[community()],
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )


def _raise(by, problem):
    return whistle.raise_whistle_call(
        by=by,
        community=community(),
        category=category(),
        problem=problem,
        urgency=1,
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )


def _too_long(call, field, limit):
    with pytest.raises(ValidationError) as exc:
        call("字" * (limit + 1))
    message = exc.value.message_dict[field][0]
    assert str(limit) in message and str(limit + 1) in message


def test_offer_description_is_limited_in_the_service(cast):
    org, member = _member()
    _too_long(lambda text: _publish(member, org, text), "description", 2000)
    assert len(_publish(member, org, "字" * 2000).description) == 2000


def test_whistle_problem_and_response_are_limited_in_the_service(cast):
    org, member = _member()
    before = WhistleCall.objects.count()
    _too_long(lambda text: _raise(cast.community_a1, text), "problem", 2000)
    assert WhistleCall.objects.count() == before
    call = _raise(cast.community_a1, "积水")
    call.notified_orgs.add(org)
    _too_long(
        lambda text: whistle.respond_to_call(
            call_id=call.pk, organization_id=org.pk, by=member, brings=text
        ),
        "brings",
        1000,
    )
    assert not WhistleResponse.objects.exists()


def test_service_standard_is_limited_when_promoting_and_editing(cast):
    need = web_need("电梯故障")
    lists.group_pending_needs(100)
    topic_id = Need.objects.get(pk=need.pk).topic_id

    def promote(text):
        return lists.promote_topic(
            topic_id=topic_id,
            by=cast.street_a,
            estimated_budget=Decimal("10"),
            service_standard=text,
        )

    _too_long(promote, "service_standard", 4000)
    item = promote("字" * 4000)
    _too_long(
        lambda text: lists.update_purchase_item(
            item_id=item.pk,
            by=cast.street_a,
            title=item.title,
            estimated_budget=Decimal("10"),
            service_standard=text,
        ),
        "service_standard",
        4000,
    )


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [
        (Need, "text", 2000),
        (Need, "satisfaction_comment", 1000),
        (Offer, "description", 2000),
        (WhistleCall, "problem", 2000),
        (WhistleResponse, "brings", 1000),
        (PurchaseItem, "service_standard", 4000),
    ],
)
def test_the_database_refuses_a_bulk_update_past_the_limit(cast, model, field, limit):
    """Characters, not bytes: the limit itself (in Chinese, three bytes each) is stored."""
    org, member = _member()
    need = web_need("电梯故障")
    lists.group_pending_needs(100)
    topic = Need.objects.get(pk=need.pk).topic
    lists.promote_topic(
        topic_id=topic.pk, by=cast.street_a, estimated_budget=Decimal("10"), service_standard="x"
    )
    call = _raise(cast.community_a1, "积水")
    call.notified_orgs.add(org)
    whistle.respond_to_call(call_id=call.pk, organization_id=org.pk, by=member, brings="两人")
    rows = model.objects.all()
    assert rows.exists()
    assert rows.update(**{field: "字" * limit})
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(**{field: "字" * (limit + 1)})
