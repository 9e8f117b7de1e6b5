"""The district triage queue in the admin: list, place in a community, refusals (issue 13)."""

import pytest

from huitian.models import Category, Transition
from procurement.models import Need
from procurement.services.needs import triage
from tests.conftest import COMMUNITY_A1, COMMUNITY_A2, DISTRICT
from tests.procurement.factories import NeedFactory
from tests.queries import assert_pinned, count_queries

pytestmark = pytest.mark.django_db
QUEUE = "/admin/procurement/need/?triage=waiting"


def waiting(title="井盖缺失", address="某小区北门外"):
    """An Open311 request nothing could place: it waits in the district's queue."""
    category = Category.objects.filter(parent__isnull=False, is_active=True).first()
    need = triage.submit_located(
        community=None,
        channel=Need.Channel.OPEN311,
        category=category,
        title=title,
        text=f"{title}，请尽快处理",
        address=address,
    )
    assert triage.in_triage(need) and need.community.code == DISTRICT
    return need


def locate_url(need):
    return f"/admin/procurement/need/{need.pk}/locate/"


def test_district_sees_the_queue_and_places_a_need(cast, client_as):
    need = waiting()
    placed_elsewhere = NeedFactory(title="已有社区的需求")
    district = client_as(cast.district)
    html = district.get(QUEUE).content.decode()
    assert need.tracking_code in html and placed_elsewhere.title not in html
    assert locate_url(need) in html
    # The index says what waits, and links to the queue.
    index = district.get("/admin/").content.decode()
    assert "work-queues" in index and "?triage=waiting" in index

    # The picker groups communities under their street.
    page = district.get(locate_url(need)).content.decode()
    assert "<optgroup" in page and need.title in page

    community = cast.area(COMMUNITY_A1)
    r = district.post(
        locate_url(need), {"community": community.pk, "note": "按地址核实"}, follow=True
    )
    assert r.redirect_chain[-1][0].endswith("?triage=waiting")
    assert f"{need.tracking_code} 已分派到{community.name}" in r.content.decode()
    need.refresh_from_db()
    assert need.community == community and need.grouped_at is None
    assert Transition.objects.filter(object_id=need.pk, step="locate", by=cast.district).exists()
    # It left the queue, and the community now follows it.
    assert need.tracking_code not in district.get(QUEUE).content.decode()
    assert (
        client_as(cast.community_a1).get(f"/admin/procurement/need/{need.pk}/change/").status_code
        == 200
    )


def test_a_second_placement_is_refused_with_the_service_reason(cast, client_as):
    need = waiting()
    district = client_as(cast.district)
    district.post(locate_url(need), {"community": cast.area(COMMUNITY_A1).pk})
    r = district.post(locate_url(need), {"community": cast.area(COMMUNITY_A2).pk}, follow=True)
    assert "这件需求已经有所属社区了。" in r.content.decode()
    need.refresh_from_db()
    assert need.community.code == COMMUNITY_A1


def test_a_street_or_district_is_not_a_community(cast, client_as):
    need = waiting()
    r = client_as(cast.district).post(locate_url(need), {"community": cast.area(DISTRICT).pk})
    assert r.status_code == 200  # the form again, with the reason beside the picker
    need.refresh_from_db()
    assert triage.in_triage(need)


@pytest.mark.parametrize("who", ["street_a", "community_a1", "street_b"])
def test_streets_and_communities_see_no_district_triage(cast, client_as, who):
    """As the API: the need is filed to the district, outside their areas."""
    need = waiting()
    clerk = client_as(getattr(cast, who))
    assert need.tracking_code not in clerk.get(QUEUE).content.decode()
    assert "work-queues" not in clerk.get("/admin/").content.decode()
    assert clerk.get(locate_url(need)).status_code == 404
    r = clerk.post(locate_url(need), {"community": cast.area(COMMUNITY_A1).pk})
    assert r.status_code == 404
    need.refresh_from_db()
    assert triage.in_triage(need)


def test_the_auditor_reads_the_queue_but_places_nothing(cast, client_as):
    need = waiting()
    auditor = client_as(cast.auditor)
    assert need.tracking_code in auditor.get(QUEUE).content.decode()
    r = auditor.post(locate_url(need), {"community": cast.area(COMMUNITY_A1).pk})
    assert r.status_code == 403
    need.refresh_from_db()
    assert triage.in_triage(need)


def test_the_queue_runs_the_same_queries_however_long(cast, client_as):
    waiting()
    district = client_as(cast.district)

    def fetch():
        assert district.get(QUEUE).status_code == 200

    def grow():
        for i in range(5):
            waiting(title=f"路面塌陷{i}")

    assert_pinned(fetch, grow)
    assert count_queries(fetch) < 40
