"""C4: the public credit page, the public lists and their downloads, the credit API and
its two staff decisions (remove from a list, correct an event)."""

import csv
import io

import pytest
from django.test import override_settings
from openpyxl import load_workbook

from credit import services
from credit.models import CreditEvent, ListEntry
from tests.conftest import api_as
from tests.credit.factories import FiledGroupFactory, assert_breakdown, old_organization
from tests.queries import assert_pinned, count_queries

pytestmark = pytest.mark.django_db


def anomaly(org, cast, cause="light_penalty"):
    return services.enter_list(
        organization_id=org.pk,
        kind="anomaly",
        cause=cause,
        legal_basis="第九条第五项",
        by=cast.district,
    )


def test_public_credit_page_explains_stars_lists_and_events(client, cast):
    org = old_organization(FiledGroupFactory, name="回龙观星级合唱队")
    anomaly(org, cast)
    services.record_credit_event(organization_id=org.pk, kind="interview", summary="公开的约谈")
    services.record_credit_event(
        organization_id=org.pk, kind="interview", summary="不公开的约谈", public=False
    )
    services.recompute_star_ratings()
    rating = org.star_ratings.get()
    assert_breakdown(rating)
    html = client.get(f"/credit/organizations/{org.pk}/").content.decode()
    assert "回龙观星级合唱队" in html and "公开的约谈" in html and "不公开的约谈" not in html
    assert "★" * rating.stars in html and str(rating.score) in html
    for row in rating.breakdown:
        assert row["points"] in html
    assert "第九条第五项" in html
    assert client.get("/credit/organizations/987654/").status_code == 404


def test_credit_api_is_public_and_matches_the_page(api, cast):
    org = old_organization(FiledGroupFactory)
    entry = anomaly(org, cast)
    services.recompute_star_ratings()
    r = api.get(f"/api/v1/organizations/{org.pk}/credit/")
    assert r.status_code == 200
    data = r.json()
    assert data["organization"] == org.pk and [e["id"] for e in data["listed"]] == [entry.pk]
    assert data["rating"]["model_version"] == 1
    assert "2026" in data["exclusion"] or str(entry.entered_on) in data["exclusion"]
    total = sum(float(row["points"]) for row in data["rating"]["breakdown"])
    assert round(total, 2) == float(data["rating"]["score"])
    assert api.get("/api/v1/organizations/987654/credit/").status_code == 404


def test_public_lists_search_and_download(client, cast):
    listed = old_organization(name="上榜的服务中心")
    gone = old_organization(name="已移出的服务中心")
    anomaly(listed, cast, cause="unreachable")
    entry = anomaly(gone, cast)
    services.apply_list_rules(today=entry.period_from.replace(year=entry.period_from.year + 1))
    assert ListEntry.objects.get(pk=entry.pk).state == "removed"  # six months, nothing to correct
    html = client.get("/credit/lists/").content.decode()
    assert "上榜的服务中心" in html and "已移出的服务中心" not in html
    page = client.get("/credit/lists/", {"q": "服务中心", "history": "on"}).content.decode()
    assert "上榜的服务中心" in page and "已移出的服务中心" in page
    csv_body = client.get("/credit/lists/download.csv", {"history": "on"}).content.decode(
        "utf-8-sig"
    )
    rows = list(csv.reader(io.StringIO(csv_body)))
    assert len(rows) == 3 and {r[0] for r in rows[1:]} == {"上榜的服务中心", "已移出的服务中心"}
    xlsx = client.get("/credit/lists/download.xlsx", {"q": "已移出", "history": "on"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["已移出的服务中心"]
    assert client.get("/credit/lists/download.pdf").status_code == 404


def test_public_list_query_count_does_not_depend_on_the_rows(api, client, cast):
    anomaly(old_organization(name="名单0"), cast)

    def grow():
        for i in range(1, 6):
            anomaly(old_organization(name=f"名单{i}"), cast)

    def fetch():
        assert api.get("/api/v1/credit/list-entries/").status_code == 200
        assert client.get("/credit/lists/").status_code == 200

    assert_pinned(fetch, grow)


@pytest.mark.parametrize(
    ("who", "status"),
    [("district", 200), ("street_a", 403), ("auditor", 403), ("resident", 403)],
)
def test_removal_through_the_api_is_the_registration_bodys_decision(cast, who, status):
    org = old_organization()
    entry = anomaly(org, cast)
    r = api_as(getattr(cast, who)).post(
        f"/api/v1/credit/list-entries/{entry.pk}/remove/", {"reason": "已整改"}, format="json"
    )
    assert r.status_code == status, r.content
    assert ListEntry.objects.get(pk=entry.pk).state == ("removed" if status == 200 else "listed")


def test_removal_refused_while_the_report_is_missing_is_a_409(cast):
    import datetime

    from registry.models import InspectionYear

    org = old_organization()
    InspectionYear.objects.create(year=2024, deadline=datetime.date(2025, 5, 31))
    services.apply_list_rules(today=datetime.date(2025, 6, 1))
    entry = ListEntry.objects.get(organization=org)
    r = api_as(cast.district).post(
        f"/api/v1/credit/list-entries/{entry.pk}/remove/", {"reason": "核实"}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "obligation_open"
    assert "2024" in r.json()["detail"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("district", 201), ("street_a", 403), ("street_b", 404), ("auditor", 403), ("resident", 404)],
)
def test_correcting_an_event_through_the_api(cast, who, status):
    org = old_organization()
    event = services.record_credit_event(organization_id=org.pk, kind="interview", summary="约谈")
    r = api_as(getattr(cast, who)).post(
        f"/api/v1/credit/events/{event.pk}/reverse/", {"reason": "记录有误"}, format="json"
    )
    assert r.status_code == status, r.content
    assert CreditEvent.objects.filter(reverses=event).exists() == (status == 201)
    if status == 201:
        empty = api_as(cast.district).post(
            f"/api/v1/credit/events/{event.pk}/reverse/", {"reason": ""}, format="json"
        )
        assert empty.status_code == 400 and "reason" in empty.json()["fields"]


def test_no_door_edits_or_deletes_an_event(cast, client_as):
    org = old_organization()
    event = services.record_credit_event(organization_id=org.pk, kind="interview", summary="约谈")
    client = client_as(cast.district)
    assert client.get("/admin/credit/creditevent/").status_code == 200
    assert (
        client.post(f"/admin/credit/creditevent/{event.pk}/change/", {"effect": 50}).status_code
        == 403
    )
    assert (
        client.post(f"/admin/credit/creditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/credit/creditevent/add/").status_code == 403
    assert api_as(cast.district).delete(f"/api/v1/credit/events/{event.pk}/").status_code in (
        404,
        405,
    )
    assert CreditEvent.objects.get(pk=event.pk).effect == -5


def test_admin_list_entry_goes_through_the_service(cast, client_as):
    org = old_organization()
    data = {
        "organization": org.pk,
        "kind": "anomaly",
        "cause": "light_penalty",
        "entered_on": "2026-01-05",
    }
    r = client_as(cast.district).post("/admin/credit/listentry/add/", data | {"legal_basis": ""})
    assert r.status_code == 200 and not ListEntry.objects.exists()
    r = client_as(cast.district).post(
        "/admin/credit/listentry/add/", data | {"legal_basis": "第九条"}
    )
    assert r.status_code == 302, r.context["adminform"].form.errors
    entry = ListEntry.objects.get()
    assert entry.entered_by == cast.district and entry.state == "listed"
    assert (
        client_as(cast.street_a)
        .post("/admin/credit/listentry/add/", data | {"legal_basis": "x"})
        .status_code
        == 403
    )


def test_admin_star_model_refuses_weights_that_do_not_add_up(cast, client_as):
    data = {
        "weight_governance": 30,
        "weight_activity": 20,
        "weight_service": 20,
        "weight_finance": 10,
        "weight_credit": 10,
        "min_two": 40,
        "min_three": 55,
        "min_four": 70,
        "min_five": 85,
        "note": "",
    }
    r = client_as(cast.district).post("/admin/credit/starmodel/add/", data)
    assert r.status_code == 200 and "90" in r.content.decode()
    r = client_as(cast.district).post("/admin/credit/starmodel/add/", data | {"weight_credit": 20})
    assert r.status_code == 302
    from credit.models import StarModel

    assert StarModel.objects.get(version=2).created_by == cast.district
    assert client_as(cast.street_a).post("/admin/credit/starmodel/add/", data).status_code == 403


NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@override_settings(CACHES=NO_CACHE)  # the page's body rendered on every request
def test_public_credit_page_and_api_query_counts_do_not_grow_with_events(
    api, client, cast, monkeypatch
):
    from credit import views

    monkeypatch.setattr(views, "recent_pages", views.RecentPages(size=0))  # keeps nothing
    org = old_organization(FiledGroupFactory)
    services.recompute_star_ratings()

    def grow():
        anomaly(org, cast)
        for i in range(5):
            services.record_credit_event(organization_id=org.pk, kind="honour", summary=f"表彰{i}")

    def fetch():
        assert client.get(f"/credit/organizations/{org.pk}/").status_code == 200
        assert api.get(f"/api/v1/organizations/{org.pk}/credit/").status_code == 200

    assert_pinned(fetch, grow)


def test_public_list_query_count_does_not_depend_on_the_page_size(api, client, cast):
    """Issue 10's performance figure that is a test: 5 or 50 rows a page, same queries."""
    from tests.queries import count_queries

    for i in range(30):
        anomaly(old_organization(name=f"分页{i}"), cast)
    api.get("/api/v1/credit/list-entries/?page_size=5")  # warm per-process caches
    small = count_queries(lambda: api.get("/api/v1/credit/list-entries/?page_size=5"))
    large = count_queries(lambda: api.get("/api/v1/credit/list-entries/?page_size=50"))
    assert small == large
    assert len(api.get("/api/v1/credit/list-entries/?page_size=50").json()["results"]) == 30
    first = count_queries(lambda: client.get("/credit/lists/"))
    second = count_queries(lambda: client.get("/credit/lists/?page=2"))
    assert first == second


def test_the_cached_credit_page_shows_every_change_at_once(client, cast):
    """The page's body is cached until a record it shows changes: an event, a list entry
    and its removal, a new rating, a verified complaint each show on the next request."""
    org = old_organization(FiledGroupFactory)
    url = f"/credit/organizations/{org.pk}/"

    def page():
        return client.get(url).content.decode()

    assert "表彰新事件" not in page()
    services.record_credit_event(organization_id=org.pk, kind="honour", summary="表彰新事件")
    assert "表彰新事件" in page()
    entry = anomaly(org, cast)
    shown = page()
    assert "第九条第五项" in shown
    services.remove_from_list(entry_id=entry.pk, by=cast.district, reason="已纠正违法行为")
    assert "已纠正违法行为" in page()
    before = page()
    services.recompute_star_ratings(organization_ids=[org.pk])
    assert page() != before
    # Another organization's change leaves this page's cached body alone (same text).
    other = old_organization(FiledGroupFactory)
    services.record_credit_event(organization_id=other.pk, kind="honour", summary="别家的表彰")
    assert "别家的表彰" not in page()


def test_the_cached_credit_page_runs_one_query_however_many_events(client, cast):
    """Served again with nothing changed: the organization's name and the version of what
    its page shows, in one query, nothing else."""
    org = old_organization(FiledGroupFactory)
    url = f"/credit/organizations/{org.pk}/"
    client.get(url)
    assert count_queries(lambda: client.get(url)) == 1
    anomaly(org, cast)
    for i in range(5):
        services.record_credit_event(organization_id=org.pk, kind="honour", summary=f"表彰{i}")
    client.get(url)
    assert count_queries(lambda: client.get(url)) == 1
