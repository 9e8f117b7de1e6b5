"""Deregistration, liquidation and guided exit (R9)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from huitian.access import Forbidden
from huitian.models import Role
from huitian.workflow import WorkflowError, transitions_of
from registry import selectors, services
from registry.models import (
    AnnualReport,
    Deregistration,
    LiquidationAsset,
    Organization,
)
from tests.conftest import api_as, make_user
from tests.registry.factories import OrganizationFactory
from tests.registry.helpers import pinned_list_queries

pytestmark = pytest.mark.django_db


def _asset_form(dereg, rows):
    data = {
        "assets-TOTAL_FORMS": str(len(rows)),
        "assets-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
        "huitian-transition-content_type-object_id-TOTAL_FORMS": "0",
        "huitian-transition-content_type-object_id-INITIAL_FORMS": "0",
        "organization": dereg.organization_id,
        "kind": dereg.kind,
        "reason": dereg.reason,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"assets-{i}-{key}"] = value
    return data


def test_deregistration_refused_until_the_inventory_is_disposed_and_balances(cast):
    org = OrganizationFactory()
    dereg = services.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="理事会决议解散"
    )
    with pytest.raises(WorkflowError) as exc:  # skip liquidation
        services.complete_deregistration(deregistration_id=dereg.pk, by=cast.district)
    assert exc.value.code == "illegal_transition"
    services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    org.refresh_from_db()
    assert org.status == "liquidating"
    LiquidationAsset.objects.create(
        deregistration=dereg, description="办公电脑", value=Decimal("3000")
    )
    cash = LiquidationAsset.objects.create(
        deregistration=dereg,
        description="银行存款",
        value=Decimal("12000.50"),
        disposal="transferred",
        disposed_value=Decimal("12000.50"),
        recipient="回天社会工作服务中心",
    )
    with pytest.raises(WorkflowError) as exc:
        services.complete_deregistration(deregistration_id=dereg.pk, by=cast.district)
    assert exc.value.code == "inventory_incomplete" and "办公电脑" in str(exc.value.detail)
    LiquidationAsset.objects.filter(description="办公电脑").update(
        disposal="sold", disposed_value=Decimal("2500"), recipient="买受人"
    )
    with pytest.raises(WorkflowError) as exc:  # sold below book value: does not balance
        services.complete_deregistration(deregistration_id=dereg.pk, by=cast.district)
    assert exc.value.code == "inventory_incomplete"
    assert "15000.50" in str(exc.value.detail) and "14500.50" in str(exc.value.detail)
    LiquidationAsset.objects.filter(description="办公电脑").update(disposed_value=Decimal("3000"))
    assert cash.pk
    services.complete_deregistration(deregistration_id=dereg.pk, by=cast.district)
    org.refresh_from_db()
    assert org.status == "deregistered"
    steps = [t.step for t in transitions_of(org)]
    assert steps == ["start_liquidation", "deregister"]


def test_merger_records_the_surviving_organization(cast):
    org, survivor = OrganizationFactory(), OrganizationFactory()
    with pytest.raises(ValidationError) as exc:  # a field error: the survivor is required
        services.open_deregistration(
            organization_id=org.pk, by=cast.district, kind="merger", reason="合并"
        )
    assert list(exc.value.error_dict) == ["surviving_organization"]
    assert not Deregistration.objects.filter(organization=org).exists()
    dereg = services.open_deregistration(
        organization_id=org.pk,
        by=cast.district,
        kind="merger",
        reason="合并",
        surviving_organization_id=survivor.pk,
    )
    services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    services.complete_deregistration(deregistration_id=dereg.pk, by=cast.district)
    org.refresh_from_db()
    assert org.status == "merged" and org.merged_into == survivor


def test_deregistration_permissions(cast):
    org = OrganizationFactory()
    member = make_user("m3", Role.ORG_MEMBER, organization=org)
    dereg = services.open_deregistration(
        organization_id=org.pk, by=member, kind="dissolution", reason="解散"
    )
    assert dereg.state == "applied"
    with pytest.raises(WorkflowError):
        services.open_deregistration(
            organization_id=org.pk, by=cast.district, kind="dissolution", reason="again"
        )
    for user in (member, cast.street_a, cast.auditor):
        with pytest.raises(Forbidden):
            services.start_liquidation(deregistration_id=dereg.pk, by=user)
    assert Deregistration.objects.get(pk=dereg.pk).state == "applied"


def test_guided_exit_candidates(cast):
    year = timezone.localdate().year - 1
    old = datetime.datetime(year - 1, 1, 1, tzinfo=datetime.UTC)
    failed, silent, fine = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    Organization.objects.update(created_at=old)
    AnnualReport.objects.create(organization=failed, year=year, summary="x", conclusion="fail")
    AnnualReport.objects.create(organization=fine, year=year, summary="x", conclusion="pass")
    assert set(selectors.guided_exit_candidates(year=year)) == {failed, silent}


def test_admin_inventory_goes_through_the_services(cast, client_as):
    org = OrganizationFactory()
    dereg = services.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="理事会决议解散"
    )
    url = f"/admin/registry/deregistration/{dereg.pk}/change/"
    # Before liquidation there is nothing to inventory: the inline offers no rows.
    page = client_as(cast.district).get(url)
    assert (
        'name="assets-TOTAL_FORMS"' not in page.content.decode()
        or "assets-0-description" not in page.content.decode()
    )
    services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    row = {
        "description": "办公桌椅",
        "value": "800.00",
        "disposal": "donated",
        "disposed_value": "800.00",
        "recipient": "龙博苑社区居委会",
    }
    saved = client_as(cast.district).post(url, _asset_form(dereg, [row]))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    asset = LiquidationAsset.objects.get(deregistration=dereg)
    assert (asset.description, asset.disposal, asset.recipient) == (
        "办公桌椅",
        "donated",
        "龙博苑社区居委会",
    )
    # The auditor reads the inventory but cannot add to it.
    refused = client_as(cast.auditor).post(
        url, _asset_form(dereg, [{**row, "description": "再加一项"}])
    )
    assert refused.status_code == 403
    assert LiquidationAsset.objects.filter(deregistration=dereg).count() == 1


def test_admin_recorded_inventory_rows_are_shown_fixed_not_silently_ignored(cast, client_as):
    org = OrganizationFactory()
    other = OrganizationFactory()
    dereg = services.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="理事会决议解散"
    )
    services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    services.record_liquidation_asset(
        deregistration_id=dereg.pk, by=cast.district, description="办公桌椅", value="800.00"
    )
    url = f"/admin/registry/deregistration/{dereg.pk}/change/"
    page = client_as(cast.district).get(url)
    assert page.status_code == 200
    inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.prefix == "assets")
    recorded = inline.formset.forms[0]
    assert recorded.fields["description"].disabled and recorded.fields["value"].disabled
    assert not recorded.fields["disposal"].disabled  # still to be disposed of
    assert "organization" in page.context["adminform"].readonly_fields
    client_as(cast.district).post(url, {**_asset_form(dereg, []), "organization": other.pk})
    dereg.refresh_from_db()
    assert dereg.organization_id == org.pk


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
        ("evaluator", 404, 403),  # reads nothing unassigned; a read-only role writes nothing
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
    pinned_list_queries(
        django_assert_num_queries, api_as(cast.district), "/api/v1/deregistrations/", make, 3
    )


def test_admin_deregistration_refusal_is_a_message(cast, client_as):
    from registry import services

    org = OrganizationFactory()
    dereg = services.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="解散"
    )
    services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    dereg.assets.create(description="打印机", value=800)
    r = client_as(cast.district).post(
        "/admin/registry/deregistration/",
        {"action": "deregister", "_selected_action": [dereg.pk]},
        follow=True,
    )
    assert "打印机" in r.content.decode()
    org.refresh_from_db()
    assert org.status == "liquidating"


def test_start_liquidation_writes_the_organizations_history(cast):
    """The status step is saved through the model, so the admin's history shows it."""
    org = OrganizationFactory()
    dereg = services.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="解散"
    )
    services.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    assert org.history.filter(status="liquidating").exists()
    assert transitions_of(org).filter(step="start_liquidation").exists()
