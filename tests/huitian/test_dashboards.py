"""Dashboards (D1): every panel counts through the scoping door, drills down the area
tree, and runs a fixed number of queries however many areas hold data."""

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from huitian import dashboards as dash
from huitian.models import Area
from procurement.models import Need
from tests.conftest import COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B1, STREET_A, STREET_B, api_as
from tests.procurement.factories import NeedFactory, category
from tests.queries import assert_pinned, redis_commands

pytestmark = pytest.mark.django_db

YEAR = str(timezone.localdate().year)


def needs(cast, code, n, **kw):
    area = cast.areas.get(code) or Area.objects.get(code=code)
    return [NeedFactory(community=area, **kw) for _i in range(n)]


@pytest.fixture
def spread(cast):
    """3 needs in A1, 2 in A2 (street A), 4 in B1 (street B)."""
    needs(cast, COMMUNITY_A1, 3)
    needs(cast, COMMUNITY_A2, 2)
    needs(cast, COMMUNITY_B1, 4)
    return cast


def rows_of(client, key, **params):
    response = client.get(f"/api/v1/dashboards/{key}/", {"period": YEAR, **params})
    assert response.status_code == 200, response.content
    return response.json()


def by_area(payload, key="received"):
    return {row["area"]: row[key] for row in payload["rows"]}


def test_every_app_contributes_panels():
    panels = dash.declared_panels()
    assert {p.app for p in panels.values()} == {"registry", "procurement", "volunteers", "credit"}
    assert "needs-by-area" in panels and "orgs-by-area" in panels


def test_district_sees_streets_and_drills_to_communities(spread):
    client = api_as(spread.district)
    district = rows_of(client, "needs-by-area")
    assert district["area"]["level"] == "district" and district["drills"]
    assert by_area(district) == {"回龙观街道": 5, "天通苑北街道": 4}
    street = Area.objects.get(code=STREET_A)
    inside = rows_of(client, "needs-by-area", area=street.pk)
    a1, a2 = spread.area(COMMUNITY_A1), spread.area(COMMUNITY_A2)
    assert by_area(inside) == {a1.name: 3, a2.name: 2}
    assert {r["area_id"] for r in inside["rows"]} == {a1.pk, a2.pk}
    community = rows_of(client, "needs-by-area", area=a1.pk)
    assert by_area(community) == {a1.name: 3} and not community["drills"]


def test_street_clerk_sees_only_its_street(spread):
    client = api_as(spread.street_a)
    own = rows_of(client, "needs-by-area")
    assert own["area"]["name"] == "回龙观街道"
    assert sum(by_area(own).values()) == 5
    # Another street, the district, or a community of another street: refused.
    for code in (STREET_B, "110114", COMMUNITY_B1):
        area = Area.objects.get(code=code)
        response = client.get("/api/v1/dashboards/needs-by-area/", {"area": area.pk})
        assert response.status_code == 403, code


def test_community_clerk_sees_only_its_community(spread):
    client = api_as(spread.community_a1)
    own = rows_of(client, "needs-by-area")
    assert by_area(own) == {spread.area(COMMUNITY_A1).name: 3}
    street = Area.objects.get(code=STREET_A)
    assert client.get("/api/v1/dashboards/needs-by-area/", {"area": street.pk}).status_code == 403


def test_residents_and_strangers_get_no_dashboard(spread, client_as, api):
    assert api.get("/api/v1/dashboards/needs-by-area/").status_code in (401, 403)
    assert api_as(spread.resident).get("/api/v1/dashboards/").status_code == 403
    assert client_as(spread.resident).get("/dashboards/").status_code == 403


def test_bad_parameters_are_named(spread):
    client = api_as(spread.district)
    for params, field in (({"period": "2026-13"}, "period"), ({"area": "abc"}, "area")):
        response = client.get("/api/v1/dashboards/needs-by-area/", params)
        assert response.status_code == 400
        assert field in response.json()["fields"]
    assert client.get("/api/v1/dashboards/nope/").status_code == 404


def test_periods():
    assert dash.parse_period("2026-02").end.isoformat() == "2026-02-28"
    q4 = dash.parse_period("2026-Q4")
    assert (q4.start.isoformat(), q4.end.isoformat()) == ("2026-10-01", "2026-12-31")
    custom = dash.parse_period("2026-01-05..2026-03-01")
    assert custom.kind == "custom" and custom.a_year_earlier().start.isoformat() == "2025-01-05"
    assert dash.parse_period("2024-02").a_year_earlier().end.isoformat() == "2023-02-28"
    for bad in ("2026-02-30..2026-03-01", "2026-03-01..2026-01-01", "1999", "x"):
        with pytest.raises(dash.BadParameter):
            dash.parse_period(bad)


def test_the_rates_keep_closed_unresolved_apart(cast):
    a1 = cast.area(COMMUNITY_A1)
    needs(cast, COMMUNITY_A1, 2, state=Need.State.CLOSED_UNRESOLVED)
    needs(cast, COMMUNITY_A1, 2, state=Need.State.RESOLVED, resolved_at=timezone.now())
    payload = rows_of(api_as(cast.community_a1), "rates-by-area")
    (row,) = payload["rows"]
    assert row["area"] == a1.name and row["closed_unresolved"] == 2
    assert row["resolution_rate"] == 50.0


def test_heat_grid_counts_areas_by_category(spread):
    payload = rows_of(api_as(spread.district), "hot-spots")
    cells = {(r["area"], r["category"]): r["needs"] for r in payload["rows"]}
    assert cells == {("回龙观街道", category().name): 5, ("天通苑北街道", category().name): 4}


def test_page_embeds_the_numbers_and_says_no_data(spread, client_as):
    page = client_as(spread.district).get("/dashboards/", {"period": YEAR, "app": "procurement"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="panel-data-needs-by-area"' in html and "<canvas" not in html
    assert "回龙观街道" in html
    empty = client_as(spread.district).get("/dashboards/", {"period": "2001", "app": "procurement"})
    assert 'data-testid="empty-needs-by-area"' in empty.content.decode()
    for app in ("registry", "volunteers", "credit"):
        assert client_as(spread.district).get("/dashboards/", {"app": app}).status_code == 200


def test_downloads_hold_exactly_the_numbers_shown(spread, client_as):
    client = client_as(spread.street_a)
    response = client.get("/dashboards/needs-by-area.csv", {"period": YEAR})
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    shown = rows_of(api_as(spread.street_a), "needs-by-area")["rows"]
    assert len(lines) == 1 + len(shown)
    assert {line[0]: int(line[1]) for line in lines[1:]} == by_area(
        rows_of(api_as(spread.street_a), "needs-by-area")
    )
    xlsx = client.get("/dashboards/needs-by-area.xlsx", {"period": YEAR})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sum(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == 5
    other = Area.objects.get(code=STREET_B)
    assert client.get("/dashboards/needs-by-area.csv", {"area": other.pk}).status_code == 403


def test_downloads_neutralize_formulas():
    table = dash.Table(
        columns=[dash.Column("label", "=名称", kind="text"), dash.Column("n", "n")],
        rows=[{"label": '=HYPERLINK("x")', "n": 1}, {"label": "@SUM(A1)", "n": 2}],
        label_key="label",
    )
    text = dash.csv_bytes(table).decode("utf-8-sig")
    assert "'=名称" in text and "'=HYPERLINK" in text and "'@SUM" in text
    sheet = load_workbook(io.BytesIO(dash.xlsx_bytes(table, "t"))).active
    assert sheet["A2"].value.startswith("'=") and sheet["A2"].data_type == "s"


def test_every_panel_answers_for_every_scope(spread):
    for user in (spread.district, spread.street_a, spread.community_a1, spread.evaluator):
        client = api_as(user)
        for key in dash.declared_panels():
            response = client.get(f"/api/v1/dashboards/{key}/", {"period": YEAR})
            assert response.status_code == 200, (user.username, key, response.content)


def test_the_dashboard_page_runs_a_fixed_number_of_queries(cast, client_as):
    """However many streets and communities hold needs, the page costs the same."""
    client = client_as(cast.district)
    codes = list(Area.objects.filter(level="community").values_list("code", flat=True)[:40])

    def fetch():
        from django.core.cache import cache

        cache.clear()
        for app in ("procurement", "registry"):
            response = client.get("/dashboards/", {"period": YEAR, "app": app})
            assert response.status_code == 200

    def grow():
        for code in codes:
            needs(cast, code, 1)
        fetch()  # re-warm per-process caches with a short life (refdata, 60 s)

    needs(cast, COMMUNITY_A1, 1)
    assert_pinned(fetch, grow)


def test_a_panel_runs_a_fixed_number_of_queries(cast):
    client = api_as(cast.district)
    codes = list(Area.objects.filter(level="community").values_list("code", flat=True)[:40])

    def fetch():
        from django.core.cache import cache

        cache.clear()
        for key in ("needs-by-area", "rates-by-area", "hot-spots", "needs-due"):
            assert client.get(f"/api/v1/dashboards/{key}/", {"period": YEAR}).status_code == 200

    def grow():
        for code in codes:
            needs(cast, code, 1)
        fetch()  # re-warm per-process caches with a short life (refdata, 60 s)

    needs(cast, COMMUNITY_A1, 1)
    assert_pinned(fetch, grow)


def test_answers_are_cached_per_user_area_period(spread):
    client = api_as(spread.district)
    first = rows_of(client, "needs-by-area")
    needs(spread, COMMUNITY_A1, 1)
    assert by_area(rows_of(client, "needs-by-area")) == by_area(first)
    street = Area.objects.get(code=STREET_A)
    assert sum(by_area(rows_of(client, "needs-by-area", area=street.pk)).values()) == 6


def test_the_area_tree_is_one_round_trip_and_follows_area_edits(
    cast, django_capture_on_commit_callbacks
):
    """A panel asked alone reads the tree per request: its version and the tree come in
    one MGET, and an area saved since is read anew."""
    dash.area_tree()
    sent = redis_commands(dash.area_tree)
    assert len(sent) == 1 and b"MGET" in sent[0], sent
    area = cast.area(COMMUNITY_A1)
    with django_capture_on_commit_callbacks(execute=True):
        area.name = "新名字"
        area.save()
    assert dash.area_tree()[area.pk].name == "新名字"
