"""The federation's four agency services for filed groups (R6)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from huitian.access import Forbidden
from huitian.models import Role
from registry import services
from registry.models import (
    AgencyRecord,
)
from tests.conftest import api_as, make_user
from tests.registry.factories import FiledGroupFactory, OrganizationFactory
from tests.registry.helpers import pinned_list_queries

pytestmark = pytest.mark.django_db


def _agency_payload(org, **extra):
    return {
        "organization": org.pk,
        "kind": "custody",
        "date": "2026-03-01",
        "title": "活动经费代管协议",
        "amount": "5000.00",
        **extra,
    }


def test_agency_records_by_the_groups_federation_only(cast):
    group = FiledGroupFactory()
    member = make_user("grp", Role.ORG_MEMBER, organization=group)
    record = services.record_agency_service(
        organization_id=group.pk,
        by=cast.federation_a,
        kind="custody",
        date=datetime.date(2026, 3, 1),
        title="活动经费代管协议",
        amount=Decimal("5000.00"),
    )
    from huitian.access import visible

    assert list(visible(member, AgencyRecord.objects.all())) == [record]
    assert list(visible(cast.federation_a, AgencyRecord.objects.all())) == [record]
    assert not visible(cast.federation_b, AgencyRecord.objects.all()).exists()
    for user in (cast.federation_b, cast.street_a, member):
        with pytest.raises(Forbidden):
            services.record_agency_service(
                organization_id=group.pk,
                by=user,
                kind="errand",
                date=datetime.date(2026, 3, 2),
                title="代办",
            )
    registered = OrganizationFactory()
    with pytest.raises(ValidationError) as refused:  # the four agency services: filed groups
        services.record_agency_service(
            organization_id=registered.pk,
            by=cast.federation_a,
            kind="training",
            date=datetime.date(2026, 3, 2),
            title="培训",
        )
    assert "organization" in refused.value.message_dict


def test_agency_record_by_the_federation_read_by_the_group(cast):
    group = FiledGroupFactory()
    member = make_user("ag_member", Role.ORG_MEMBER, organization=group)
    r = api_as(cast.federation_a).post("/api/v1/agency-records/", _agency_payload(group))
    assert r.status_code == 201, r.json()
    assert r.json()["recorded_by"] == "federation_a" and r.json()["amount"] == "5000.00"
    rows = api_as(member).get("/api/v1/agency-records/").json()["results"]
    assert [row["title"] for row in rows] == ["活动经费代管协议"]
    other = make_user("ag_other", Role.ORG_MEMBER, organization=FiledGroupFactory())
    assert api_as(other).get("/api/v1/agency-records/").json()["count"] == 0
    assert api_as(cast.federation_b).get("/api/v1/agency-records/").json()["count"] == 0


def test_agency_record_refusals(cast):
    group = FiledGroupFactory()
    fed = api_as(cast.federation_a)
    r = fed.post("/api/v1/agency-records/", _agency_payload(group, kind="bribe"))
    assert r.status_code == 400 and "kind" in r.json()["fields"]
    r = fed.post("/api/v1/agency-records/", _agency_payload(group, title=""))
    assert r.status_code == 400 and "title" in r.json()["fields"]
    # The four agency services are for filed groups only: a registered one is not a choice.
    registered = OrganizationFactory()
    r = fed.post("/api/v1/agency-records/", _agency_payload(registered))
    assert r.status_code == 400 and "organization" in r.json()["fields"]
    assert not AgencyRecord.objects.exists()


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("federation_a", 200, 201),
        ("member", 200, 403),
        ("street_a", 200, 403),
        ("auditor", 200, 403),
        ("federation_b", 404, 404),
        ("street_b", 404, 404),
        ("resident", 404, 404),
    ],
)
def test_agency_record_permission_matrix(cast, who, read, write):
    group = FiledGroupFactory()
    member = make_user("ag_m", Role.ORG_MEMBER, organization=group)
    user = member if who == "member" else getattr(cast, who)
    record = services.record_agency_service(
        organization_id=group.pk,
        by=cast.federation_a,
        kind="errand",
        date=datetime.date(2026, 3, 2),
        title="代办变更登记",
    )
    client = api_as(user)
    assert client.get(f"/api/v1/agency-records/{record.pk}/").status_code == read
    r = client.post("/api/v1/agency-records/", _agency_payload(group))
    assert r.status_code == write, r.json()
    assert AgencyRecord.objects.count() == (2 if write == 201 else 1)


def test_agency_records_list_queries(cast, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            services.record_agency_service(
                organization_id=FiledGroupFactory().pk,
                by=cast.federation_a,
                kind="training",
                date=datetime.date(2026, 3, 2),
                title="财务培训",
            )

    # count, page (organization and recorded_by joined)
    pinned_list_queries(
        django_assert_num_queries, api_as(cast.federation_a), "/api/v1/agency-records/", make, 2
    )


def test_agency_record_create_is_idempotent(cast):
    group = FiledGroupFactory()
    client = api_as(cast.federation_a)
    first = client.post(
        "/api/v1/agency-records/", _agency_payload(group), HTTP_IDEMPOTENCY_KEY="agency-1"
    )
    again = client.post(
        "/api/v1/agency-records/", _agency_payload(group), HTTP_IDEMPOTENCY_KEY="agency-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert AgencyRecord.objects.count() == 1


def test_admin_agency_record_for_a_registered_org_is_refused_beside_the_field(cast, client_as):
    registered = OrganizationFactory()
    group = OrganizationFactory(
        uscc=None, registration_level="filed", legal_form="community_group", filing_number="F-9"
    )
    c = client_as(cast.federation_a)
    data = {
        "kind": "errand",
        "date": "2026-03-01",
        "title": "代办登记",
        "organization": registered.pk,
    }
    r = c.post("/admin/registry/agencyrecord/add/", data)
    assert r.status_code == 200
    assert "organization" in r.context["adminform"].form.errors
    data["organization"] = group.pk
    r = c.post("/admin/registry/agencyrecord/add/", data)
    assert r.status_code == 302
    assert group.agency_records.get().recorded_by == cast.federation_a
