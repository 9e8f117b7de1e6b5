"""C1: the append-only credit record, the events registry records, corrections."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from credit import services
from credit.error_codes import ErrorCode
from credit.models import CreditEvent
from credit.periods import add_years
from huitian.workflow import WorkflowError
from registry import services as registry_services
from registry.models import AnnualReport
from tests.credit.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
Kind = CreditEvent.Kind


def test_annual_report_conclusion_is_a_credit_event_recorded_once(cast):
    org = OrganizationFactory()
    report = AnnualReport.objects.create(organization=org, year=2025, summary="年度工作")
    registry_services.conclude_annual_report(
        report_id=report.pk, by=cast.street_a, conclusion="fail"
    )
    event = CreditEvent.objects.get(organization=org)
    assert (event.kind, event.effect, event.source, event.public) == (
        Kind.ANNUAL_REPORT,
        -10,
        report,
        True,
    )
    again = services.record_credit_event(
        organization_id=org.pk, kind=Kind.ANNUAL_REPORT, summary="重试", effect=-10, source=report
    )
    assert again.pk == event.pk and CreditEvent.objects.count() == 1
    assert event.expires_on == add_years(event.occurred_on, 3)


def test_an_interview_is_a_credit_event(cast):
    org = OrganizationFactory()
    interview = registry_services.hold_interview(
        organization_id=org.pk, by=cast.street_a, reason="other", held_on=datetime.date(2026, 4, 1)
    )
    event = CreditEvent.objects.get(organization=org)
    assert (event.kind, event.effect, event.occurred_on, event.source) == (
        Kind.INTERVIEW,
        -5,
        datetime.date(2026, 4, 1),
        interview,
    )


def test_a_reversal_is_not_recorded_as_an_ordinary_event():
    org = OrganizationFactory()
    with pytest.raises(ValidationError):
        services.record_credit_event(organization_id=org.pk, kind=Kind.REVERSAL, summary="x")


@pytest.mark.parametrize("op", ["update", "delete"])
def test_events_are_append_only_in_the_database(op):
    org = OrganizationFactory()
    event = services.record_credit_event(
        organization_id=org.pk, kind=Kind.INTERVIEW, summary="约谈"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        qs = CreditEvent.objects.filter(pk=event.pk)
        qs.update(effect=50) if op == "update" else qs.delete()
    assert CreditEvent.objects.get(pk=event.pk).effect == -5


def test_a_correction_reverses_with_a_reason_by_the_registration_body(cast):
    org = OrganizationFactory()
    event = services.record_credit_event(
        organization_id=org.pk, kind=Kind.INTERVIEW, summary="约谈"
    )
    with pytest.raises(ValidationError) as no_reason:
        services.reverse_credit_event(event_id=event.pk, by=cast.district, reason="  ")
    assert "reason" in no_reason.value.message_dict
    for who in ("street_a", "auditor", "evaluator", "resident"):
        with pytest.raises(PermissionDenied):
            services.reverse_credit_event(event_id=event.pk, by=getattr(cast, who), reason="错误")
    reversal = services.reverse_credit_event(
        event_id=event.pk, by=cast.district, reason="约谈记录有误"
    )
    assert (reversal.kind, reversal.effect, reversal.reverses, reversal.reason) == (
        Kind.REVERSAL,
        5,
        event,
        "约谈记录有误",
    )
    assert sum(CreditEvent.objects.filter(organization=org).values_list("effect", flat=True)) == 0
    with pytest.raises(WorkflowError) as twice:
        services.reverse_credit_event(event_id=event.pk, by=cast.district, reason="再次")
    assert twice.value.code == ErrorCode.ALREADY_REVERSED
    with pytest.raises(WorkflowError) as of_reversal:
        services.reverse_credit_event(event_id=reversal.pk, by=cast.district, reason="再次")
    assert of_reversal.value.code == ErrorCode.CANNOT_REVERSE_REVERSAL
    assert CreditEvent.objects.filter(organization=org).count() == 2
