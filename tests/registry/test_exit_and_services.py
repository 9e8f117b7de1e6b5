"""Four agency services (R6), certification (R7), interviews, deregistration (R9)."""

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
    AgencyRecord,
    AnnualReport,
    CertificationBatch,
    Deregistration,
    LiquidationAsset,
    Organization,
)
from tests.conftest import make_user
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def filed_group(cast):
    return OrganizationFactory(
        uscc=None, registration_level="filed", legal_form="community_group", filing_number="F-1"
    )


def test_agency_records_by_the_groups_federation_only(cast):
    group = filed_group(cast)
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


def test_certification_journey(cast):
    se = OrganizationFactory(legal_form="social_enterprise")
    member = make_user("se_member", Role.ORG_MEMBER, organization=se)
    with pytest.raises(WorkflowError) as exc:
        services.apply_for_certification(
            organization_id=se.pk, by=member, field="elderly", description="助餐"
        )
    assert exc.value.code == "no_open_batch"
    CertificationBatch.objects.create(year=2026, validity_years=3)
    cert = services.apply_for_certification(
        organization_id=se.pk, by=member, field="elderly", description="助餐"
    )
    with pytest.raises(WorkflowError) as exc:
        services.apply_for_certification(
            organization_id=se.pk, by=member, field="elderly", description="again"
        )
    assert exc.value.code == "already_applied"
    assert se not in selectors.eligible_contractors()
    with pytest.raises(Forbidden):
        services.decide_certification(certification_id=cert.pk, by=cast.street_a, certify=True)
    cert = services.decide_certification(certification_id=cert.pk, by=cast.district, certify=True)
    assert cert.state == "certified" and cert.certificate_number == "HTSE-2026-001"
    today = timezone.localdate()
    assert cert.valid_until.year == today.year + 3
    se.refresh_from_db()
    assert se.certified_until == cert.valid_until
    assert se in selectors.eligible_contractors()
    with pytest.raises(WorkflowError):
        services.decide_certification(
            certification_id=cert.pk, by=cast.district, certify=False, note="x"
        )


def test_only_social_enterprises_apply(cast):
    org = OrganizationFactory()
    member = make_user("m", Role.ORG_MEMBER, organization=org)
    CertificationBatch.objects.create(year=2026)
    with pytest.raises(WorkflowError) as exc:
        services.apply_for_certification(
            organization_id=org.pk, by=member, field="culture", description="x"
        )
    assert exc.value.code == "not_a_social_enterprise"


def test_interview(cast):
    org = OrganizationFactory()
    member = make_user("m2", Role.ORG_MEMBER, organization=org)
    interview = services.hold_interview(
        organization_id=org.pk,
        by=cast.street_a,
        reason="no_inspection",
        held_on=datetime.date(2026, 4, 1),
        outcome="限期一个月补交年报",
        follow_up_on=datetime.date(2026, 5, 1),
    )
    assert interview.conducted_by == cast.street_a
    assert member.notifications.filter(kind="registry.interview").exists()
    with pytest.raises(Forbidden):
        services.hold_interview(
            organization_id=org.pk,
            by=cast.street_b,
            reason="other",
            held_on=datetime.date(2026, 4, 1),
        )


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
