"""Filing of community groups (R3): community 初审 → federation 备案, with the matrix."""

import pytest

from huitian.access import organization_ids
from huitian.models import Category
from huitian.workflow import transitions_of
from registry.models import (
    Filing,
    Organization,
)
from tests.conftest import api_as
from tests.registry.factories import FilingFactory
from tests.registry.helpers import pinned_list_queries

pytestmark = pytest.mark.django_db


URL = "/api/v1/filings/"


MATRIX = {
    "community_a1": (200, 403),
    "community_a2": (404, 404),
    "federation_a": (403, 200),
    "street_a": (403, 403),
    "district": (403, 403),
    "auditor": (403, 403),
    "federation_b": (404, 404),
    "community_b1": (404, 404),
    "resident_other": (404, 404),
}


def test_group_files_and_enters_the_directory(cast, api):
    data = {
        "name": "龙博苑合唱团",
        "community": cast.area("110114011001").pk,
        "categories": ["singing"],
        "leader_name": "孙丽",
        "contact_phone": "13622223333",
        "member_count": 12,
        "activities": "每周二排练",
    }
    r = api_as(cast.resident).post(URL, data, format="json")
    assert r.status_code == 201, r.json()
    fid = r.json()["id"]

    r = api_as(cast.community_a1).post(f"{URL}{fid}/return/", {"reason": "成员名单不全"})
    assert r.status_code == 200 and r.json()["state"] == "returned"
    r = api_as(cast.resident).post(f"{URL}{fid}/resubmit/", {"member_count": 15}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "submitted"
    assert api_as(cast.community_a1).post(f"{URL}{fid}/pass-review/").status_code == 200
    r = api_as(cast.federation_a).post(f"{URL}{fid}/file/")
    assert r.status_code == 200, r.json()
    assert r.json()["filing_number"].startswith("HTBA-110114011-")
    org = Organization.objects.get(pk=r.json()["organization"])
    assert org.registration_level == "filed" and org.uscc is None
    assert org.legal_form == "community_group" and org.volunteer_count == 15
    assert org.pk in organization_ids(type(cast.resident).objects.get(pk=cast.resident.pk))
    names = [row["name"] for row in api.get("/api/v1/organizations/").json()["results"]]
    assert "龙博苑合唱团" in names
    steps = [t.step for t in transitions_of(Filing.objects.get(pk=fid))]
    assert steps == ["create", "return", "resubmit", "pass_review", "file"]


def test_filing_numbers_count_up_per_street(cast):
    a, b = FilingFactory(state="reviewed"), FilingFactory(state="reviewed")
    for f in (a, b):
        assert api_as(cast.federation_a).post(f"{URL}{f.pk}/file/").status_code == 200
    numbers = sorted(
        Organization.objects.filter(filing__in=[a, b]).values_list("filing_number", flat=True)
    )
    assert numbers[0].endswith("-0001") and numbers[1].endswith("-0002")


def test_file_before_initial_review_is_409(cast):
    f = FilingFactory()
    r = api_as(cast.federation_a).post(f"{URL}{f.pk}/file/")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    f.refresh_from_db()
    assert f.state == "submitted" and f.organization_id is None


def test_refuse_needs_a_reason(cast):
    f = FilingFactory(state="reviewed")
    assert api_as(cast.federation_a).post(f"{URL}{f.pk}/refuse/", {"reason": ""}).status_code == 400
    r = api_as(cast.federation_a).post(f"{URL}{f.pk}/refuse/", {"reason": "活动涉及营利"})
    assert r.status_code == 200 and r.json()["state"] == "refused"


def test_a_street_is_not_a_community(cast):
    data = {
        "name": "x",
        "community": cast.area("110114011").pk,
        "categories": [],
        "leader_name": "a",
        "contact_phone": "13622223333",
        "member_count": 5,
        "activities": "a",
    }
    r = api_as(cast.resident).post(URL, data, format="json")
    assert r.status_code == 400 and "community" in r.json()["fields"]


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(cast, who):
    user = getattr(cast, who)
    review_status, file_status = MATRIX[who]
    f = FilingFactory()
    assert api_as(user).post(f"{URL}{f.pk}/pass-review/").status_code == review_status
    g = FilingFactory(state="reviewed")
    assert api_as(user).post(f"{URL}{g.pk}/file/").status_code == file_status
    if file_status != 200:
        assert Filing.objects.get(pk=g.pk).state == "reviewed"


def test_applicant_cannot_review_own_filing(cast):
    f = FilingFactory(applicant=cast.resident)
    assert api_as(cast.resident).post(f"{URL}{f.pk}/pass-review/").status_code == 403
    assert api_as(cast.resident).get(f"{URL}{f.pk}/").status_code == 200


def test_filings_list_queries(cast, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            f = FilingFactory()
            f.categories.set(Category.objects.filter(code="dance"))

    # count, page, categories
    pinned_list_queries(
        django_assert_num_queries, api_as(cast.community_a1), "/api/v1/filings/", make, 3
    )


def test_portal_filing(cast, client_as):
    c = client_as(cast.resident)
    r = c.post(
        "/portal/filings/new/",
        {
            "name": "龙博苑书画社",
            "community": cast.area("110114011001").pk,
            "leader_name": "孙丽",
            "contact_phone": "13622223333",
            "member_count": 2,
            "activities": "书画交流",
        },
    )
    assert r.status_code == 200 and "member_count" in r.context["form"].errors
    r = c.post(
        "/portal/filings/new/",
        {
            "name": "龙博苑书画社",
            "community": cast.area("110114011001").pk,
            "leader_name": "孙丽",
            "contact_phone": "13622223333",
            "member_count": 8,
            "activities": "书画交流",
        },
    )
    assert r.status_code == 302
    assert Filing.objects.get(name="龙博苑书画社").state == "submitted"


def test_admin_filing_actions(cast, client_as):
    f = FilingFactory()
    c = client_as(cast.community_a1)
    c.post("/admin/registry/filing/", {"action": "pass_review", "_selected_action": [f.pk]})
    f.refresh_from_db()
    assert f.state == "reviewed"
    client_as(cast.federation_a).post(
        "/admin/registry/filing/", {"action": "file_group", "_selected_action": [f.pk]}
    )
    f.refresh_from_db()
    assert f.state == "filed" and f.organization.filing_number


def test_admin_filing_change_page_is_read_only(cast, client_as):
    """Staff act on a filing through the actions; a clerk cannot rewrite the group's record
    (or move it to another community) by saving the change form."""
    f = FilingFactory(name="原队伍名")
    url = f"/admin/registry/filing/{f.pk}/change/"
    c = client_as(cast.community_a1)
    page = c.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "原队伍名" in html
    for field in ("name", "community", "categories", "leader_name", "activities"):
        assert f'name="{field}"' not in html
    c.post(url, {"name": "改过的名", "community": cast.area("110114008001").pk})
    f.refresh_from_db()
    assert f.name == "原队伍名" and f.community.code != "110114008001"


def test_why_not_resubmit_filing_says_who_and_when(cast):
    from registry import services

    filing = FilingFactory(applicant=cast.resident, state="returned")
    assert services.why_not_resubmit_filing(filing=filing, by=cast.resident) == []
    assert services.why_not_resubmit_filing(filing=filing, by=cast.community_a1)
    filing.state = "filed"
    (reason,) = services.why_not_resubmit_filing(filing=filing, by=cast.resident)
    assert "已不能修改" in reason
