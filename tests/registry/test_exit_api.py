"""The API for enforcement and exit (R9) and the four agency services (R6): the happy
paths, every refusal, the permission matrix and pinned list query counts."""

import datetime
from decimal import Decimal

import pytest

from huitian.models import Role
from huitian.workflow import transitions_of
from registry import services
from registry.models import AgencyRecord, Deregistration, Interview, Organization
from tests.conftest import api_as, make_user
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _pinned(django_assert_num_queries, client, url, make, expected):
    """The same number of queries for 2 rows and for 12: nothing runs per row."""
    make(2)
    client.get(url)  # warm per-process caches
    with django_assert_num_queries(expected):
        first = client.get(url).json()["count"]
    make(10)
    with django_assert_num_queries(expected):
        second = client.get(url).json()["count"]
    assert second == first + 10


# --- Administrative interviews -------------------------------------------------------------


def _interview_payload(org, **extra):
    return {
        "organization": org.pk,
        "reason": "no_inspection",
        "details": "2025 年度未参加年检",
        "held_on": "2026-04-01",
        **extra,
    }


def test_interview_is_held_and_its_outcome_recorded(cast):
    org = OrganizationFactory()
    member = make_user("iv_member", Role.ORG_MEMBER, organization=org)
    r = api_as(cast.street_a).post("/api/v1/interviews/", _interview_payload(org), format="json")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["conducted_by"] == "street_a" and body["outcome"] == ""
    assert body["reason_display"]
    assert member.notifications.filter(kind="registry.interview").exists()
    iid = body["id"]
    r = api_as(cast.street_a).post(
        f"/api/v1/interviews/{iid}/outcome/",
        {"outcome": "限期一个月补交年报", "follow_up_on": "2026-05-01"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["outcome"] == "限期一个月补交年报"
    interview = Interview.objects.get(pk=iid)
    assert interview.follow_up_on == datetime.date(2026, 5, 1)
    # The organization reads its own interviews.
    assert api_as(member).get(f"/api/v1/interviews/{iid}/").status_code == 200


def test_interview_refusals(cast):
    org = OrganizationFactory()
    r = api_as(cast.street_a).post(
        "/api/v1/interviews/", _interview_payload(org, reason="nonsense"), format="json"
    )
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = api_as(cast.street_a).post(
        "/api/v1/interviews/", _interview_payload(org, held_on=""), format="json"
    )
    assert r.status_code == 400 and "held_on" in r.json()["fields"]
    interview = services.hold_interview(
        organization_id=org.pk, by=cast.street_a, reason="other", held_on=datetime.date(2026, 4, 1)
    )
    r = api_as(cast.street_a).post(
        f"/api/v1/interviews/{interview.pk}/outcome/", {"outcome": ""}, format="json"
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert "outcome" in r.json()["fields"]


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("district", 200, 201),
        ("street_a", 200, 201),
        ("auditor", 200, 403),
        ("evaluator", 404, 404),  # outside party, not assigned
        ("federation_a", 200, 403),
        ("street_b", 404, 404),
        ("community_b1", 404, 404),
        ("resident", 404, 404),
    ],
)
def test_interview_permission_matrix(cast, who, read, write):
    org = OrganizationFactory()
    interview = services.hold_interview(
        organization_id=org.pk, by=cast.street_a, reason="other", held_on=datetime.date(2026, 4, 1)
    )
    client = api_as(getattr(cast, who))
    assert client.get(f"/api/v1/interviews/{interview.pk}/").status_code == read
    r = client.post("/api/v1/interviews/", _interview_payload(org), format="json")
    assert r.status_code == write, r.json()
    r = client.post(
        f"/api/v1/interviews/{interview.pk}/outcome/", {"outcome": "整改完成"}, format="json"
    )
    assert r.status_code == (200 if write == 201 else write), r.json()
    if write != 201:
        assert Interview.objects.filter(organization=org).count() == 1
        assert Interview.objects.get(pk=interview.pk).outcome == ""


def test_interview_list_is_scoped(cast):
    mine, theirs = OrganizationFactory(), OrganizationFactory(home_area=cast.area("110114008001"))
    for org, by in ((mine, cast.street_a), (theirs, cast.street_b)):
        services.hold_interview(
            organization_id=org.pk, by=by, reason="other", held_on=datetime.date(2026, 4, 1)
        )
    names = [
        row["organization_name"]
        for row in api_as(cast.street_a).get("/api/v1/interviews/").json()["results"]
    ]
    assert names == [mine.name]
    assert api_as(cast.district).get("/api/v1/interviews/").json()["count"] == 2
    assert api_as(cast.resident).get("/api/v1/interviews/").json()["count"] == 0


def test_interviews_list_queries(cast, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            services.hold_interview(
                organization_id=OrganizationFactory().pk,
                by=cast.street_a,
                reason="other",
                held_on=datetime.date(2026, 4, 1),
            )

    # count, page (organization and conducted_by joined)
    _pinned(django_assert_num_queries, api_as(cast.street_a), "/api/v1/interviews/", make, 2)


# --- Deregistration ---------------------------------------------------------------------------


def test_deregistration_journey_through_the_api(cast):
    org = OrganizationFactory()
    member = make_user("dr_member", Role.ORG_MEMBER, organization=org)
    r = api_as(member).post(
        "/api/v1/deregistrations/",
        {"organization": org.pk, "kind": "dissolution", "reason": "理事会决议解散"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    did = r.json()["id"]
    assert r.json()["state"] == "applied"
    base = f"/api/v1/deregistrations/{did}"
    district = api_as(cast.district)
    # Skipping liquidation is an illegal step.
    r = district.post(f"{base}/deregister/")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"
    # The inventory only changes during liquidation.
    r = district.post(f"{base}/assets/", {"description": "办公电脑", "value": "3000"})
    assert r.status_code == 409 and r.json()["code"] == "not_liquidating"

    r = district.post(f"{base}/start-liquidation/")
    assert r.status_code == 200 and r.json()["state"] == "liquidating"
    org.refresh_from_db()
    assert org.status == "liquidating"
    r = district.post(f"{base}/start-liquidation/")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"

    r = district.post(f"{base}/assets/", {"description": "办公电脑", "value": "3000"})
    assert r.status_code == 201, r.json()
    r = district.post(f"{base}/assets/", {"description": "银行存款", "value": "12000.50"})
    assets = {a["description"]: a["id"] for a in r.json()["assets"]}
    assert len(r.json()["inventory_problems"]) == 2  # undisposed, and off balance

    # Refused while an asset is undisposed (409 with the reason).
    r = district.post(f"{base}/deregister/")
    assert r.status_code == 409 and r.json()["code"] == "inventory_incomplete"
    assert "办公电脑" in r.json()["detail"]

    r = district.post(
        f"{base}/dispose/",
        {
            "asset": assets["银行存款"],
            "disposal": "transferred",
            "disposed_value": "12000.50",
            "recipient": "回天社会工作服务中心",
        },
    )
    assert r.status_code == 200, r.json()
    r = district.post(
        f"{base}/dispose/",
        {
            "asset": assets["办公电脑"],
            "disposal": "sold",
            "disposed_value": "2500",
            "recipient": "买受人",
        },
    )
    assert r.status_code == 200
    # Refused while the inventory does not balance (sold below book value).
    r = district.post(f"{base}/deregister/")
    assert r.status_code == 409 and r.json()["code"] == "inventory_incomplete"
    assert "15000.50" in r.json()["detail"] and "14500.50" in r.json()["detail"]
    # A disposed asset is not disposed of twice.
    r = district.post(
        f"{base}/dispose/",
        {
            "asset": assets["办公电脑"],
            "disposal": "sold",
            "disposed_value": "3000",
            "recipient": "买受人",
        },
    )
    assert r.status_code == 409 and r.json()["code"] == "already_disposed"
    # The book value was wrong: record the balancing entry and deregister.
    r = district.post(f"{base}/assets/", {"description": "电脑折价差额", "value": "0"})
    extra = next(a for a in r.json()["assets"] if a["description"] == "电脑折价差额")["id"]
    from registry.models import LiquidationAsset

    LiquidationAsset.objects.filter(pk=assets["办公电脑"]).update(value=Decimal("2500"))
    r = district.post(
        f"{base}/dispose/",
        {"asset": extra, "disposal": "donated", "disposed_value": "0", "recipient": "社区"},
    )
    assert r.status_code == 200 and r.json()["inventory_problems"] == []
    r = district.post(f"{base}/deregister/", {"note": "清算完毕"})
    assert r.status_code == 200 and r.json()["state"] == "deregistered"
    org.refresh_from_db()
    assert org.status == "deregistered"
    assert [t.step for t in transitions_of(Deregistration.objects.get(pk=did))] == [
        "create",
        "start_liquidation",
        "deregister",
    ]
    r = district.post(f"{base}/assets/", {"description": "遗漏", "value": "1"})
    assert r.status_code == 409 and r.json()["code"] == "not_liquidating"


def test_deregistration_create_refusals(cast):
    org, survivor = OrganizationFactory(), OrganizationFactory()
    district = api_as(cast.district)
    r = district.post(
        "/api/v1/deregistrations/",
        {"organization": org.pk, "kind": "merger", "reason": "合并"},
        format="json",
    )
    assert r.status_code == 400 and "surviving_organization" in r.json()["fields"]
    r = district.post(
        "/api/v1/deregistrations/",
        {"organization": org.pk, "kind": "nonsense", "reason": "x"},
        format="json",
    )
    assert r.status_code == 400 and "kind" in r.json()["fields"]
    r = district.post(
        "/api/v1/deregistrations/",
        {
            "organization": org.pk,
            "kind": "merger",
            "reason": "合并",
            "surviving_organization": survivor.pk,
        },
        format="json",
    )
    assert r.status_code == 201
    r = district.post(
        "/api/v1/deregistrations/",
        {"organization": org.pk, "kind": "dissolution", "reason": "again"},
        format="json",
    )
    assert r.status_code == 409 and r.json()["code"] == "already_open"
    closed = OrganizationFactory(status=Organization.Status.DEREGISTERED)
    r = district.post(
        "/api/v1/deregistrations/",
        {"organization": closed.pk, "kind": "dissolution", "reason": "x"},
        format="json",
    )
    assert r.status_code == 409 and r.json()["code"] == "organization_closed"


def test_dispose_refusals(cast):
    org, other = OrganizationFactory(), OrganizationFactory()
    dereg = services.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="解散"
    )
    services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    asset = services.record_liquidation_asset(
        deregistration_id=dereg.pk, by=cast.district, description="桌椅", value=Decimal("800")
    )
    other_dereg = services.open_deregistration(
        organization_id=other.pk, by=cast.district, kind="dissolution", reason="解散"
    )
    base = f"/api/v1/deregistrations/{dereg.pk}"
    district = api_as(cast.district)
    good = {"asset": asset.pk, "disposal": "donated", "disposed_value": "800", "recipient": "社区"}
    r = district.post(f"{base}/dispose/", {**good, "disposal": ""})
    assert r.status_code == 400 and "disposal" in r.json()["fields"]
    r = district.post(f"{base}/dispose/", {**good, "disposed_value": "-1"})
    assert r.status_code == 400 and "disposed_value" in r.json()["fields"]
    r = district.post(f"{base}/dispose/", {**good, "recipient": ""})
    assert r.status_code == 400 and "recipient" in r.json()["fields"]
    # An asset of another deregistration is not found through this one.
    r = district.post(f"/api/v1/deregistrations/{other_dereg.pk}/dispose/", good)
    assert r.status_code == 404
    r = district.post(f"{base}/assets/", {"description": "x", "value": "-5"})
    assert r.status_code == 400 and "value" in r.json()["fields"]
    assert district.post(f"{base}/dispose/", good).status_code == 200


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("district", 200, 200),
        ("street_a", 200, 403),
        ("auditor", 200, 403),
        ("evaluator", 404, 404),  # outside party, not assigned
        ("member", 200, 403),
        ("street_b", 404, 404),
        ("resident", 404, 404),
    ],
)
def test_deregistration_permission_matrix(cast, who, read, write):
    org = OrganizationFactory()
    member = make_user("dr_m", Role.ORG_MEMBER, organization=org)
    user = member if who == "member" else getattr(cast, who)
    dereg = services.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="解散"
    )
    client = api_as(user)
    base = f"/api/v1/deregistrations/{dereg.pk}"
    assert client.get(f"{base}/").status_code == read
    assert client.post(f"{base}/start-liquidation/").status_code == write
    if write != 200:
        services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    r = client.post(f"{base}/assets/", {"description": "桌椅", "value": "800"})
    assert r.status_code == (201 if write == 200 else write)
    if write != 200:
        services.record_liquidation_asset(
            deregistration_id=dereg.pk, by=cast.district, description="桌椅", value=800
        )
    asset = dereg.assets.get()
    r = client.post(
        f"{base}/dispose/",
        {"asset": asset.pk, "disposal": "donated", "disposed_value": "800", "recipient": "社区"},
    )
    assert r.status_code == write
    assert client.post(f"{base}/deregister/").status_code == write
    expected = "deregistered" if write == 200 else "liquidating"
    assert Deregistration.objects.get(pk=dereg.pk).state == expected


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 201),
        ("district", 201),
        ("other_member", 404),
        ("street_a", 403),
        ("auditor", 403),
        ("street_b", 404),
    ],
)
def test_who_may_apply_for_deregistration(cast, who, status):
    org = OrganizationFactory()
    users = {
        "member": make_user("own", Role.ORG_MEMBER, organization=org),
        "other_member": make_user("other", Role.ORG_MEMBER, organization=OrganizationFactory()),
    }
    user = users.get(who) or getattr(cast, who)
    r = api_as(user).post(
        "/api/v1/deregistrations/",
        {"organization": org.pk, "kind": "dissolution", "reason": "解散"},
        format="json",
    )
    assert r.status_code == status, r.json()
    assert Deregistration.objects.filter(organization=org).exists() == (status == 201)


def test_deregistrations_list_queries(cast, django_assert_num_queries):
    def make(n):
        for _ in range(n):
            dereg = services.open_deregistration(
                organization_id=OrganizationFactory().pk,
                by=cast.district,
                kind="dissolution",
                reason="解散",
            )
            services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
            services.record_liquidation_asset(
                deregistration_id=dereg.pk, by=cast.district, description="桌椅", value=800
            )

    # count, page, assets (inventory problems read the prefetched assets)
    _pinned(django_assert_num_queries, api_as(cast.district), "/api/v1/deregistrations/", make, 3)


# --- Four agency services ----------------------------------------------------------------------


def _group(**extra):
    return OrganizationFactory(
        uscc=None,
        registration_level="filed",
        legal_form="community_group",
        filing_number=None,
        **extra,
    )


def _agency_payload(org, **extra):
    return {
        "organization": org.pk,
        "kind": "custody",
        "date": "2026-03-01",
        "title": "活动经费代管协议",
        "amount": "5000.00",
        **extra,
    }


def test_agency_record_by_the_federation_read_by_the_group(cast):
    group = _group()
    member = make_user("ag_member", Role.ORG_MEMBER, organization=group)
    r = api_as(cast.federation_a).post("/api/v1/agency-records/", _agency_payload(group))
    assert r.status_code == 201, r.json()
    assert r.json()["recorded_by"] == "federation_a" and r.json()["amount"] == "5000.00"
    rows = api_as(member).get("/api/v1/agency-records/").json()["results"]
    assert [row["title"] for row in rows] == ["活动经费代管协议"]
    other = make_user("ag_other", Role.ORG_MEMBER, organization=_group())
    assert api_as(other).get("/api/v1/agency-records/").json()["count"] == 0
    assert api_as(cast.federation_b).get("/api/v1/agency-records/").json()["count"] == 0


def test_agency_record_refusals(cast):
    group = _group()
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
    group = _group()
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
                organization_id=_group().pk,
                by=cast.federation_a,
                kind="training",
                date=datetime.date(2026, 3, 2),
                title="财务培训",
            )

    # count, page (organization and recorded_by joined)
    _pinned(
        django_assert_num_queries, api_as(cast.federation_a), "/api/v1/agency-records/", make, 2
    )


def test_new_creates_are_idempotent(cast):
    group = _group()
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
