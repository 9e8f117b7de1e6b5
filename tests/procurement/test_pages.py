"""Portal pages: web form → tracking code → rate; my needs; queue; public lists."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from procurement.models import Need
from tests.procurement.factories import NeedFactory, OfferFactory

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


def test_queue_page_for_staff_only(cast, client_as, django_assert_num_queries):
    NeedFactory.create_batch(3)
    c = client_as(cast.community_a1)
    assert c.get("/needs/queue/").status_code == 200
    assert client_as(cast.resident).get("/needs/queue/").status_code == 404
    c.get("/needs/queue/")
    with django_assert_num_queries(9) as ctx:
        c.get("/needs/queue/")
    NeedFactory.create_batch(5)
    with django_assert_num_queries(len(ctx.captured_queries)):
        c.get("/needs/queue/?bucket=all")


def test_offers_page_lists_active_offers(cast):
    OfferFactory(title="助餐服务")
    html = Client().get("/offers/").content.decode()
    assert "助餐服务" in html


def test_public_list_pages_query_counts_do_not_grow(cast, client_as, django_assert_num_queries):
    from procurement.models import NeedsList
    from procurement.services import lists

    for i, text in enumerate(["电梯故障", "路灯不亮", "乱停车"]):
        NeedFactory(title=text, text=text, grouped_at=None, contact_phone=f"1381234567{i}")
    start, end = lists.period_containing(timezone.localdate())
    lst = lists.compile_needs_list(period_start=start, period_end=end)
    NeedsList.objects.filter(pk=lst.pk).update(state="published")
    OfferFactory.create_batch(2)
    c = Client()
    counts = {}
    for url in ("/lists/needs/", "/offers/"):
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            c.get(url)
        counts[url] = len(ctx.captured_queries)
    mine = client_as(cast.resident)
    NeedFactory.create_batch(2, submitter=cast.resident)
    mine.get("/needs/mine/")
    with CaptureQueriesContext(connection) as ctx:
        mine.get("/needs/mine/")
    counts["/needs/mine/"] = len(ctx.captured_queries)
    # More rows, same number of queries.
    for text in ["草坪枯黄", "树枝遮挡", "井盖缺失"]:
        NeedFactory(title=text, text=text, grouped_at=None)
    NeedsList.objects.filter(pk=lst.pk).update(state="draft")
    lists.compile_needs_list(period_start=start, period_end=end)
    NeedsList.objects.filter(pk=lst.pk).update(state="published")
    OfferFactory.create_batch(3)
    NeedFactory.create_batch(4, submitter=cast.resident)
    for url in ("/lists/needs/", "/offers/"):
        with django_assert_num_queries(counts[url]):
            c.get(url)
    with django_assert_num_queries(counts["/needs/mine/"]):
        mine.get("/needs/mine/")


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
