"""Portal pages: web form → tracking code → rate or reopen; my needs; queue; public lists;
and the pages of organizations and staff: offers, assigned needs, rates, whistle, matching."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from huitian.models import Area, Role
from procurement.models import Need, Offer, Topic, WhistleCall
from procurement.services import lists, whistle
from tests.conftest import make_user
from tests.procurement.factories import NeedFactory, OfferFactory, OrganizationFactory, category
from tests.queries import assert_pinned

pytestmark = pytest.mark.django_db


def form(**over):
    from huitian.models import Area, Category

    data = {
        "community": Area.objects.get(code="110114011001").pk,
        "category": Category.objects.get(code="elderly_meals").pk,
        "title": "老年餐桌午饭不够",
        "text": "三号楼老年餐桌中午饭菜经常不够",
        "contact_name": "王秀英",
        "contact_phone": "13812345678",
    }
    data.update(over)
    return data


def test_anonymous_resident_submits_follows_and_rates(cast):
    c = Client()
    assert c.get("/needs/new/").status_code == 200
    r = c.post("/needs/new/", form())
    assert r.status_code == 302
    need = Need.objects.get()
    assert r["Location"] == f"/needs/track/{need.tracking_code}/"
    page = c.get(r["Location"]).content.decode()
    assert need.tracking_code in page
    assert "13812345678" not in page and "王秀英" not in page
    need.state = "resolved"
    need.save()
    r = c.post(
        f"/needs/track/{need.tracking_code}/",
        {"action": "rate", "satisfaction": "4", "comment": "好"},
    )
    assert r.status_code == 302
    need.refresh_from_db()
    assert need.state == "closed" and need.satisfaction == 4


def test_form_shows_errors_beside_fields(cast):
    r = Client().post("/needs/new/", form(contact_phone="123", title=""))
    html = r.content.decode()
    assert r.status_code == 200 and html.count("invalid-feedback") >= 2
    assert not Need.objects.exists()
    r = Client().post("/needs/new/", form(contact_phone=""))
    assert "invalid-feedback" in r.content.decode()
    r = Client().post("/needs/new/", form(contact_phone="", contact_name="", anonymous="on"))
    assert r.status_code == 302 and Need.objects.get().anonymous


def test_unknown_tracking_code_is_404():
    assert Client().get("/needs/track/NOPE000000/").status_code == 404


def test_lookup_redirects_to_tracking_page(cast):
    need = NeedFactory()
    r = Client().get("/needs/track/", {"code": need.tracking_code.lower()})
    assert r.status_code == 302 and r["Location"].endswith(f"/needs/track/{need.tracking_code}/")


def test_my_needs_lists_only_mine(cast, client_as):
    mine = NeedFactory(submitter=cast.resident, title="我的需求")
    NeedFactory(submitter=cast.resident_other, title="别人的需求")
    html = client_as(cast.resident).get("/needs/mine/").content.decode()
    assert mine.title in html and "别人的需求" not in html


def test_queue_page_for_staff_only(cast, client_as):
    NeedFactory.create_batch(3)
    c = client_as(cast.community_a1)
    assert c.get("/needs/queue/").status_code == 200
    assert client_as(cast.resident).get("/needs/queue/").status_code == 404
    assert_pinned(
        lambda: c.get("/needs/queue/?bucket=all"), lambda: NeedFactory.create_batch(5), expected=9
    )


def test_offers_page_lists_active_offers(cast):
    OfferFactory(title="助餐服务")
    html = Client().get("/offers/").content.decode()
    assert "助餐服务" in html


def test_public_list_pages_query_counts_do_not_grow(cast, client_as):
    from procurement.models import NeedsList

    for i, text in enumerate(["电梯故障", "路灯不亮", "乱停车"]):
        NeedFactory(title=text, text=text, grouped_at=None, contact_phone=f"1381234567{i}")
    start, end = lists.period_containing(timezone.localdate())
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    NeedsList.objects.filter(pk=lst.pk).update(state="published")

    def more_topics():
        for text in ["草坪枯黄", "树枝遮挡", "井盖缺失"]:
            NeedFactory(title=text, text=text, grouped_at=None)
        NeedsList.objects.filter(pk=lst.pk).update(state="draft")
        lists.compile_needs_list(period_start=start, period_end=end)
        NeedsList.objects.filter(pk=lst.pk).update(state="published")

    assert_pinned(lambda: Client().get("/lists/needs/"), more_topics)
    OfferFactory.create_batch(2)
    assert_pinned(lambda: Client().get("/offers/"), lambda: OfferFactory.create_batch(3))
    mine = client_as(cast.resident)
    NeedFactory.create_batch(2, submitter=cast.resident)
    assert_pinned(
        lambda: mine.get("/needs/mine/"),
        lambda: NeedFactory.create_batch(4, submitter=cast.resident),
    )


def test_web_form_is_throttled(cast, settings):
    from rest_framework.settings import api_settings

    rates = dict(api_settings.DEFAULT_THROTTLE_RATES)
    from huitian.api.throttling import WriteThrottle

    WriteThrottle.THROTTLE_RATES = {**rates, "write": "2/min"}
    try:
        c = Client()
        assert c.post("/needs/new/", form()).status_code == 302
        assert c.post("/needs/new/", form()).status_code == 302
        r = c.post("/needs/new/", form())
        assert r.status_code == 429
        assert Need.objects.count() == 2
    finally:
        WriteThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_lookup_of_an_unknown_code_explains_instead_of_404(cast):
    r = Client().get("/needs/track/", {"code": "ZZZZZZZZZZ"})
    assert r.status_code == 200
    assert 'class="invalid-feedback d-block"' in r.content.decode()


def test_rating_radios_are_styled_and_keep_the_choice(cast):
    need = NeedFactory(state="resolved")
    r = Client().post(
        f"/needs/track/{need.tracking_code}/", {"action": "rate", "comment": "x" * 1001}
    )
    radios = re.findall(r'<input type="radio"[^>]*>', r.content.decode())
    assert len(radios) == 5 and all('class="form-check-input is-invalid"' in x for x in radios)


# --- Pages for organizations and staff: offers, assigned needs, rates, whistle, matching ---


def test_member_publishes_offer_from_the_portal(cast, client_as):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    c = client_as(member)
    assert c.get("/offers/new/").status_code == 200
    data = {
        "organization": org.pk,
        "category": category().pk,
        "title": "助餐服务",
        "description": "午餐配送",
        "areas": [Area.objects.get(code="110114011001").pk],
        "capacity_per_month": 20,
        "is_free": "on",
        "valid_until": str(timezone.localdate() + datetime.timedelta(days=30)),
    }
    bad = c.post("/offers/new/", {**data, "valid_until": "2020-01-01"})
    assert bad.status_code == 200 and "invalid-feedback" in bad.content.decode()
    assert c.post("/offers/new/", data).status_code == 302
    assert Offer.objects.get().organization == org
    assert client_as(cast.resident).get("/offers/new/").status_code == 404


def test_assigned_needs_page_masks_contacts(cast, client_as):
    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    NeedFactory(assigned_org=org, title="派给我们的")
    NeedFactory(title="别人的")
    html = client_as(member).get("/needs/assigned/").content.decode()
    assert "派给我们的" in html and "别人的" not in html
    assert "138****5678" in html and "13812345678" not in html
    assert client_as(cast.resident).get("/needs/assigned/").status_code == 404


def test_rates_page(cast, client_as):
    NeedFactory(satisfaction=5, state="closed", resolved_at=timezone.now())
    html = client_as(cast.street_a).get("/needs/rates/?by=category").content.decode()
    assert "100.0%" in html
    assert client_as(cast.resident).get("/needs/rates/").status_code == 404
    # A period past the years the platform covers is refused in words, not a 500.
    page = client_as(cast.street_a).get("/needs/rates/?end=9999-12-31")
    assert page.status_code == 200
    assert any("2100" in str(m) for m in page.context["messages"])


def test_whistle_page_respond_and_times(cast, client_as):
    offer = OfferFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=offer.organization)
    call = whistle.raise_whistle_call(
        by=cast.community_a1,
        community=cast.area("110114011001"),
        category=category("dispute_mediation"),
        problem="漏水纠纷",
        urgency=2,
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    c = client_as(member)
    assert "漏水纠纷" in c.get("/whistle/").content.decode()
    r = c.post(
        "/whistle/",
        {"call": call.pk, "organization": offer.organization_id, "brings": "调解员两名"},
    )
    assert r.status_code == 302
    assert call.responses.count() == 1
    html = c.get("/whistle/").content.decode()
    assert offer.organization.name in html
    assert "漏水纠纷" not in client_as(cast.community_b1).get("/whistle/").content.decode()
    assert WhistleCall.objects.count() == 1


def test_candidates_page_and_confirm(cast, client_as):
    offer = OfferFactory()
    NeedFactory(grouped_at=None)
    lists.group_pending_needs(10)
    topic = Topic.objects.get()
    c = client_as(cast.community_a1)
    html = c.get(f"/topics/{topic.pk}/candidates/").content.decode()
    assert offer.organization.name in html and "×" in html
    assert (
        c.post(
            f"/topics/{topic.pk}/candidates/", {"organization": offer.organization_id}
        ).status_code
        == 302
    )
    assert Need.objects.get().assigned_org == offer.organization
    assert client_as(cast.community_b1).get(f"/topics/{topic.pk}/candidates/").status_code == 404
    assert client_as(cast.resident).get(f"/topics/{topic.pk}/candidates/").status_code == 404


# --- Reopening from the tracking page: the service's reasons on the screen ------------------


def test_tracking_page_offers_reopen_only_while_the_service_allows_it(cast, settings):
    import time_machine

    from procurement.services import needs as svc

    settings.PROCUREMENT_REOPEN_WORKING_DAYS = 2
    need = NeedFactory(state="resolved", resolved_at=timezone.now())
    url = f"/needs/track/{need.tracking_code}/"
    assert 'value="reopen"' not in Client().get(url).content.decode()
    svc.rate_need(need_id=need.pk, satisfaction=2, tracking_code=need.tracking_code)
    html = Client().get(url).content.decode()
    assert 'value="reopen"' in html and 'data-testid="why-not-reopen"' not in html
    # No reason given: the service's refusal appears beside the note field.
    r = Client().post(url, {"action": "reopen", "note": ""})
    assert r.status_code == 200
    assert r.context["reopen_form"].errors["note"]
    need.refresh_from_db()
    assert need.state == "closed"
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10)):
        html = Client().get(url).content.decode()
        assert 'value="reopen"' not in html and 'data-testid="why-not-reopen"' in html
        r = Client().post(url, {"action": "reopen", "note": "还是没解决"})
        assert r.context["reopen_form"].non_field_errors()
    need.refresh_from_db()
    assert need.state == "closed"
    r = Client().post(url, {"action": "reopen", "note": "还是没解决"})
    assert r.status_code == 302
    need.refresh_from_db()
    assert need.state == "accepted"


def test_web_form_shows_the_services_contact_rule_beside_the_phone(cast):
    r = Client().post("/needs/new/", form(contact_phone="", contact_name=""))
    assert r.status_code == 200 and r.context["form"].errors["contact_phone"]
    assert not Need.objects.exists()
