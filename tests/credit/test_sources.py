"""Sources that record credit events (whistle responses and no-shows), certification
excluding listed organizations, list-rule periods edited by staff (C1, C2, C7)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from credit import selectors, services
from credit.models import CreditEvent, CreditSettings, ListEntry
from huitian.models import Role
from procurement.services import whistle
from registry import services as registry_services
from registry.models import CertificationBatch, Organization
from tests.conftest import make_user
from tests.credit.factories import OrganizationFactory, old_organization
from tests.procurement.factories import OfferFactory, category, community

pytestmark = pytest.mark.django_db


def test_whistle_response_and_no_show_are_credit_events(cast):
    org = OfferFactory().organization
    member = make_user("whistle_member", Role.ORG_MEMBER, organization=org)
    call = whistle.raise_whistle_call(
        by=cast.community_a1,
        community=community(),
        category=category(),
        problem="楼道堆物需清理",
        urgency=1,
        deadline=timezone.localdate() + datetime.timedelta(days=2),
    )
    response = whistle.respond_to_call(
        call_id=call.pk, organization_id=org.pk, by=member, brings="三名志愿者"
    )
    event = CreditEvent.objects.get(organization=org, kind="whistle_response")
    assert event.effect == 2 and event.source == response
    whistle.select_responders(call_id=call.pk, response_ids=[response.pk], by=cast.community_a1)
    with pytest.raises(Exception):  # noqa: B017  (another community's staff)
        whistle.record_no_show(call_id=call.pk, response_id=response.pk, by=cast.community_b1)
    for _ in range(2):  # recorded once, however often it is reported
        whistle.record_no_show(call_id=call.pk, response_id=response.pk, by=cast.community_a1)
    no_show = CreditEvent.objects.filter(organization=org, kind="whistle_no_show")
    assert no_show.count() == 1 and no_show.get().effect == -3


def test_listed_organizations_may_not_apply_for_certification_and_are_told_why(cast):
    org = OrganizationFactory(legal_form=Organization.LegalForm.SOCIAL_ENTERPRISE)
    CertificationBatch.objects.create(year=timezone.localdate().year, is_open=True)
    services.enter_list(
        organization_id=org.pk,
        kind="anomaly",
        cause="unreachable",
        legal_basis="第九条第六项",
        by=cast.district,
    )
    problems = registry_services.why_not_apply_for_certification(organization=org)
    assert any("anomaly" in str(p) or "异常" in str(p) for p in problems), problems
    member = make_user("cert_member", Role.ORG_MEMBER, organization=org)
    with pytest.raises(Exception) as err:
        registry_services.apply_for_certification(
            organization_id=org.pk, by=member, field="养老", description="助老服务"
        )
    assert getattr(err.value, "code", None) == "credit_listed"


def test_staff_edit_the_list_rule_periods_and_the_daily_job_follows_them(cast):
    org = old_organization()
    with time_machine.travel(datetime.date(2026, 1, 5), tick=False):
        services.enter_list(
            organization_id=org.pk,
            kind="anomaly",
            cause="unreachable",
            legal_basis="第九条第六项",
            by=cast.district,
        )
    with time_machine.travel(datetime.date(2027, 1, 5), tick=False):
        assert services.apply_list_rules()["moved"] == 0  # two years by default
    client = Client()
    client.force_login(cast.street_a)
    row = selectors.credit_settings()
    assert client.get(f"/admin/credit/creditsettings/{row.pk}/change/").status_code == 200
    r = client.post(f"/admin/credit/creditsettings/{row.pk}/change/", {})
    assert r.status_code == 403  # street staff read, the district edits
    client.force_login(cast.district)
    data = {
        "anomaly_to_dishonesty_years": 1,
        "dishonesty_min_years": 3,
        "auto_removal_months": 6,
        "complaint_spike_count": 3,
        "complaint_spike_days": 7,
        "complaint_effect": -10,
        "purchase_priority_points": 5,
    }
    bad = client.post(
        f"/admin/credit/creditsettings/{row.pk}/change/", {**data, "anomaly_to_dishonesty_years": 0}
    )
    assert bad.status_code == 200 and CreditSettings.objects.get().anomaly_to_dishonesty_years == 2
    r = client.post(f"/admin/credit/creditsettings/{row.pk}/change/", data)
    assert r.status_code == 302
    assert CreditSettings.objects.get().history.count() >= 1
    with time_machine.travel(datetime.date(2027, 1, 5), tick=False):
        assert services.apply_list_rules()["moved"] == 1
    dishonesty = ListEntry.objects.get(organization=org, kind="dishonesty")
    problems = services.why_not_remove(dishonesty, today=datetime.date(2029, 1, 4))
    assert any("2030-01-05" in str(p) for p in problems)  # three years now
