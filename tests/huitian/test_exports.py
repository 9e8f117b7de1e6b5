"""Exports of staff lists (D1 §5): every domain changelist to CSV/xlsx as filtered,
through the scoping door, contacts masked for whoever may not read them, and never a
cell a spreadsheet would run."""

import csv
import io

import pytest
from django.contrib import admin
from django.urls import reverse
from openpyxl import load_workbook

from huitian import services
from huitian.access import forget_grants
from huitian.admin_base import ScopedAdmin
from huitian.models import Role
from procurement.models import Need
from tests.conftest import COMMUNITY_A1, COMMUNITY_B1
from tests.procurement.factories import NeedFactory
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

NEEDS_CSV = "admin:procurement_need_export"


def rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def column(lines, header: str) -> list[str]:
    i = lines[0].index(header)
    return [line[i] for line in lines[1:]]


@pytest.fixture
def needs(cast):
    a = [NeedFactory(community=cast.area(COMMUNITY_A1), title=f"甲{i}") for i in range(3)]
    b = [NeedFactory(community=cast.area(COMMUNITY_B1), title=f"乙{i}") for i in range(2)]
    return a, b


def test_every_domain_admin_exports():
    scoped = [a for a in admin.site._registry.values() if isinstance(a, ScopedAdmin)]
    assert len(scoped) > 20
    for model_admin in scoped:
        info = model_admin.get_model_info()
        assert reverse(f"admin:{info[0]}_{info[1]}_export", args=["csv"])


def test_export_is_the_users_scope(cast, needs, client_as):
    url = reverse(NEEDS_CSV, args=["csv"])
    district = rows(client_as(cast.district).get(url))
    assert sorted(column(district, "标题")) == ["乙0", "乙1", "甲0", "甲1", "甲2"]
    street = rows(client_as(cast.street_a).get(url))
    assert sorted(column(street, "标题")) == ["甲0", "甲1", "甲2"]
    community = rows(client_as(cast.community_b1).get(url))
    assert sorted(column(community, "标题")) == ["乙0", "乙1"]
    # The district's contacts are in full; choices read as words.
    assert set(column(district, "联系电话")) == {"13812345678"}
    channel = str(Need._meta.get_field("channel").verbose_name)
    assert set(column(district, channel)) == {str(Need.Channel.WEB_FORM.label)}


def test_export_follows_the_filters_and_refuses_undeclared_lookups(cast, needs, client_as):
    Need.objects.filter(title="甲0").update(state=Need.State.ACCEPTED)
    client = client_as(cast.district)
    url = reverse(NEEDS_CSV, args=["csv"])
    accepted = rows(client.get(url, {"state__exact": "accepted"}))
    assert column(accepted, "标题") == ["甲0"]
    searched = rows(client.get(url, {"q": "乙"}))
    assert sorted(column(searched, "标题")) == ["乙0", "乙1"]
    # A phone is never a lookup, in the list or its export.
    assert client.get(url, {"contact_phone__startswith": "138"}).status_code == 400


def test_the_changelist_links_its_export_with_the_filters(cast, needs, client_as):
    page = client_as(cast.district).get(
        reverse("admin:procurement_need_changelist"), {"state__exact": "received"}
    )
    html = page.content.decode()
    assert reverse(NEEDS_CSV, args=["xlsx"]) + "?state__exact=received" in html


def test_contacts_are_masked_for_who_may_not_read_them(cast, client_as):
    """The evaluator never reads contacts: a need its organization handles reaches it masked."""
    org = OrganizationFactory(contact_name="李建国", contact_phone="13900001111")
    NeedFactory(
        community=cast.area(COMMUNITY_A1),
        assigned_org=org,
        contact_name="王秀英",
        contact_phone="13812345678",
        title="转给组织的需求",
    )
    services.assign_role(user=cast.evaluator, role=Role.ORG_MEMBER, organization=org)
    forget_grants(cast.evaluator)
    client = client_as(cast.evaluator)
    lines = rows(client.get(reverse(NEEDS_CSV, args=["csv"])))
    assert column(lines, "标题") == ["转给组织的需求"]
    assert column(lines, "联系电话") == ["138****5678"]
    assert column(lines, "联系人") == ["王**"]
    assert "13812345678" not in "".join(",".join(line) for line in lines)
    orgs = rows(client.get(reverse("admin:registry_organization_export", args=["csv"])))
    assert column(orgs, "联系电话") == ["139****1111"]


def test_cells_that_would_run_are_neutralized(cast, client_as):
    for i, title in enumerate(['=HYPERLINK("http://x","点")', "+1+2", "-3", "@SUM(A1)"]):
        NeedFactory(community=cast.area(COMMUNITY_A1), title=title, external_ref=f"r{i}")
    client = client_as(cast.district)
    titles = column(rows(client.get(reverse(NEEDS_CSV, args=["csv"]))), "标题")
    assert sorted(titles) == sorted(['\'=HYPERLINK("http://x","点")', "'+1+2", "'-3", "'@SUM(A1)"])
    xlsx = client.get(reverse(NEEDS_CSV, args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    col = header.index("标题")
    values = [row[col] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(v.startswith("'") for v in values), values
    assert not any(c.data_type == "f" for row in sheet.iter_rows(min_row=2) for c in row)


def test_only_staff_export_and_only_by_get(cast, needs, client_as):
    url = reverse(NEEDS_CSV, args=["csv"])
    assert client_as(cast.resident).get(url).status_code == 302  # to the admin sign-in
    assert client_as(cast.district).post(url).status_code == 403
    assert client_as(cast.district).get(reverse(NEEDS_CSV, args=["pdf"])).status_code == 404


def test_export_costs_a_fixed_number_of_queries(cast, client_as):
    from tests.queries import assert_pinned

    client = client_as(cast.district)
    url = reverse(NEEDS_CSV, args=["xlsx"])
    NeedFactory(community=cast.area(COMMUNITY_A1))

    def grow():
        for _i in range(10):
            NeedFactory(community=cast.area(COMMUNITY_B1))
        client.get(url)  # re-warm per-process caches a save may have cleared (refdata)

    assert_pinned(lambda: client.get(url), grow)
