"""Open data (D2): public monthly aggregates; a cell of community × category × month
with fewer than five needs is suppressed and marked, never shown."""

import pytest
from django.utils import timezone

from huitian import open_data
from procurement.models import Need
from tests.conftest import COMMUNITY_A1, COMMUNITY_A2
from tests.procurement.factories import NeedFactory, category
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def needs(cast):
    """A1 × one category: 6 needs (shown); A2 × the same category: 2 (suppressed)."""
    for _i in range(6):
        NeedFactory(
            community=cast.area(COMMUNITY_A1),
            state=Need.State.RESOLVED,
            resolved_at=timezone.now(),
        )
    for _i in range(2):
        NeedFactory(community=cast.area(COMMUNITY_A2), category=category("property_management"))
    return cast


def by_community(payload):
    return {(r["community"], r["category"]): r for r in payload["rows"]}


def test_small_cells_are_suppressed_and_marked(needs, api):
    payload = api.get("/api/v1/open-data/needs-by-community/", {"year": YEAR}).json()
    assert payload["threshold"] == 5
    cells = by_community(payload)
    big = cells[(needs.area(COMMUNITY_A1).name, category().name)]
    assert big["received"] == 6 and big["suppressed"] == []
    small = cells[(needs.area(COMMUNITY_A2).name, category("property_management").name)]
    assert small["received"] is None and small["suppressed"] == ["received"]
    assert "2" not in [str(v) for v in small.values()]


def test_street_figures_and_rates_with_small_bases_are_suppressed(needs, api):
    payload = api.get("/api/v1/open-data/needs-by-street/", {"year": YEAR}).json()
    (row,) = payload["rows"]  # both communities are in 回龙观街道, one month
    assert row["street"] == "回龙观街道" and row["received"] == 8 and row["handled"] == 6
    assert row["resolution_rate"] == 75.0
    # Nobody rated: the satisfaction rate has no base, so nothing to hide or show.
    assert row["satisfaction_rate"] is None


def test_the_public_page_marks_suppressed_cells(needs, client):
    page = client.get("/open-data/", {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-suppressed="received"' in html and "&lt;5" in html
    assert needs.area(COMMUNITY_A1).name in html


def test_organizations_by_type_and_status(cast, api):
    OrganizationFactory()
    OrganizationFactory()
    payload = api.get("/api/v1/open-data/organizations/", {"year": YEAR}).json()
    assert sum(r["organizations"] for r in payload["rows"]) == 2


def test_datasets_are_listed_and_bad_years_refused(api):
    listing = api.get("/api/v1/open-data/").json()
    assert {d["key"] for d in listing["results"]} >= {
        "needs-by-street",
        "needs-by-community",
        "published-lists",
        "organizations",
    }
    response = api.get("/api/v1/open-data/needs-by-street/", {"year": "1900"})
    assert response.status_code == 400 and "year" in response.json()["fields"]
    assert api.get("/api/v1/open-data/nope/").status_code == 404


def test_suppression_rule():
    ds = open_data.Dataset("t", "t", [], lambda y: [], suppress=("n",), rate_bases={"r": "d"})
    rows = open_data.suppress(ds, [{"n": 4, "d": 3, "r": 50.0}, {"n": 0, "d": 5, "r": 20.0}])
    assert rows[0] == {"n": None, "d": 3, "r": None, "suppressed": ["n", "r"]}
    assert rows[1] == {"n": 0, "d": 5, "r": 20.0, "suppressed": []}
