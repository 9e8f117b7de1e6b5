"""A selected whistle responder that did not show up (issue 9): recorded by the call's
staff once — through the API action and the admin button alike — as a credit event;
reporting it again changes nothing (the API answers 200 with the same response, the
admin says it was already recorded); other areas' staff get 404."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from credit.models import CreditEvent
from huitian.models import Role
from procurement.models import WhistleResponse
from procurement.services import whistle
from tests.conftest import api_as, make_user
from tests.procurement.factories import OfferFactory, category, community

pytestmark = pytest.mark.django_db
CALLS = "/admin/procurement/whistlecall/"


@pytest.fixture
def selected(cast):
    """A call of community A1 with two responses, the first one selected."""
    orgs = [OfferFactory().organization for _ in range(2)]
    call = whistle.raise_whistle_call(
        by=cast.community_a1,
        community=community(),
        category=category(),
        problem="楼道堆物需清理",
        urgency=1,
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    responses = [
        whistle.respond_to_call(
            call_id=call.pk,
            organization_id=org.pk,
            by=make_user(f"wm{org.pk}", Role.ORG_MEMBER, organization=org),
            brings="两名志愿者",
        )
        for org in orgs
    ]
    whistle.select_responders(call_id=call.pk, response_ids=[responses[0].pk], by=cast.community_a1)
    return call, responses


def no_shows():
    return CreditEvent.objects.filter(kind="whistle_no_show")


def url(call, response):
    return f"/api/v1/whistle-calls/{call.pk}/responses/{response.pk}/no-show/"


def test_the_api_records_a_no_show_once(cast, selected):
    call, (chosen, _other) = selected
    client = api_as(cast.community_a1)
    first = client.post(url(call, chosen), {"note": "约定时间未到场"}, format="json")
    assert first.status_code == 201, first.content
    assert first.data["id"] == chosen.pk and first.data["no_show_at"]
    event = no_shows().get()
    assert event.organization_id == chosen.organization_id and event.effect == -3
    assert "约定时间未到场" in event.summary
    again = client.post(url(call, chosen), {}, format="json")
    assert again.status_code == 200 and again.data["no_show_at"] == first.data["no_show_at"]
    assert no_shows().count() == 1
    # The street over the community may as well (and changes nothing more).
    assert api_as(cast.street_a).post(url(call, chosen), {}, format="json").status_code == 200


def test_the_api_refuses_other_areas_and_unselected_responders(cast, selected):
    call, (chosen, other) = selected
    assert api_as(cast.community_a2).post(url(call, chosen), {}, format="json").status_code == 404
    assert api_as(cast.street_b).post(url(call, chosen), {}, format="json").status_code == 404
    refused = api_as(cast.community_a1).post(url(call, other), {}, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "not_selected"
    wrong = f"/api/v1/whistle-calls/{call.pk}/responses/999999/no-show/"
    assert api_as(cast.community_a1).post(wrong, {}, format="json").status_code == 404
    assert not no_shows().exists()
    assert not WhistleResponse.objects.exclude(no_show_at=None).exists()


def test_the_admin_button_records_a_no_show_once(cast, client_as, selected):
    call, (chosen, other) = selected
    client = client_as(cast.community_a1)
    page = client.get(f"{CALLS}{call.pk}/change/").content.decode()
    assert f'data-no-show="{chosen.pk}"' in page and f'data-no-show="{other.pk}"' not in page
    done = client.post(f"{CALLS}{call.pk}/no-show/{chosen.pk}/")
    assert done.status_code == 302 and no_shows().count() == 1
    chosen.refresh_from_db()
    assert chosen.no_show_by == cast.community_a1
    again = client.post(f"{CALLS}{call.pk}/no-show/{chosen.pk}/")
    said = [str(m) for m in get_messages(again.wsgi_request)]
    assert again.status_code == 302 and any(chosen.organization.name in m for m in said)
    assert no_shows().count() == 1
    page = client.get(f"{CALLS}{call.pk}/change/").content.decode()
    assert f'data-no-show="{chosen.pk}"' not in page  # recorded: the time instead of a button
    # An unselected responder: refused with the reason, nothing written.
    client.post(f"{CALLS}{call.pk}/no-show/{other.pk}/")
    assert no_shows().count() == 1


def test_the_admin_button_is_not_found_out_of_area(cast, client_as, selected):
    call, (chosen, _other) = selected
    for user in (cast.community_a2, cast.street_b):
        client = client_as(user)
        assert client.post(f"{CALLS}{call.pk}/no-show/{chosen.pk}/").status_code == 404
    assert not no_shows().exists()
