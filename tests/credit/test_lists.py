"""C2: the activity-anomaly and serious-dishonesty lists, day by day with time-machine."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from credit import services, tasks
from credit.error_codes import ErrorCode
from credit.models import CreditEvent, ListEntry
from huitian.workflow import WorkflowError, transitions_of
from registry.models import AnnualReport, InspectionYear
from tests.credit.factories import old_organization

pytestmark = pytest.mark.django_db
D = datetime.date


def run_on(day: datetime.date) -> dict:
    """The beat job as it runs that day (Beijing noon)."""
    with time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 4, tzinfo=datetime.UTC)
    ):
        return tasks.apply_list_rules.delay().get()


def days(first: datetime.date, last: datetime.date):
    while first <= last:
        yield first
        first += datetime.timedelta(days=1)


def listed(org, kind):
    return ListEntry.objects.filter(organization=org, kind=kind, state="listed").first()


def test_missing_report_enters_the_anomaly_list_the_day_after_the_deadline_once():
    late = old_organization()
    done = old_organization()
    AnnualReport.objects.create(organization=done, year=2024, summary="按时报送")
    InspectionYear.objects.create(year=2024, deadline=D(2025, 5, 31))
    for day in days(D(2025, 5, 29), D(2025, 5, 31)):
        assert run_on(day)["entered"] == 0
    assert run_on(D(2025, 6, 1)) == {"entered": 1, "removed": 0, "moved": 0}
    for day in days(D(2025, 6, 2), D(2025, 6, 5)):
        assert run_on(day) == {"entered": 0, "removed": 0, "moved": 0}
    entry = listed(late, "anomaly")
    assert (entry.cause, entry.entered_on, entry.period_from, entry.entered_by) == (
        "missing_report",
        D(2025, 6, 1),
        D(2025, 6, 1),
        None,
    )
    assert [t.step for t in transitions_of(entry)] == ["rule"]
    assert listed(done, "anomaly") is None
    kinds = sorted(CreditEvent.objects.filter(organization=late).values_list("kind", flat=True))
    assert kinds == ["list_entry", "missing_report"]


def test_correction_removes_the_anomaly_entry_on_the_next_run():
    org = old_organization()
    InspectionYear.objects.create(year=2024, deadline=D(2025, 5, 31))
    run_on(D(2025, 6, 1))
    AnnualReport.objects.create(organization=org, year=2024, summary="补报")
    assert run_on(D(2025, 7, 1))["removed"] == 1
    entry = ListEntry.objects.get(organization=org)
    assert (entry.state, entry.removed_on) == ("removed", D(2025, 7, 1))
    assert CreditEvent.objects.get(organization=org, kind="list_removal").public
    assert run_on(D(2025, 7, 2)) == {"entered": 0, "removed": 0, "moved": 0}


def test_two_full_years_on_the_anomaly_list_move_it_to_the_dishonesty_list():
    org = old_organization()
    InspectionYear.objects.create(year=2024, deadline=D(2025, 5, 31))
    run_on(D(2025, 6, 1))
    for day in days(D(2027, 5, 29), D(2027, 5, 31)):
        assert run_on(day)["moved"] == 0 and listed(org, "anomaly")
    assert run_on(D(2027, 6, 1))["moved"] == 1
    assert run_on(D(2027, 6, 2))["moved"] == 0
    anomaly = ListEntry.objects.get(organization=org, kind="anomaly")
    dishonesty = listed(org, "dishonesty")
    assert anomaly.state == "moved" and anomaly.removed_on == D(2027, 6, 1)
    assert (dishonesty.cause, dishonesty.moved_from, dishonesty.entered_on) == (
        "from_anomaly",
        anomaly,
        D(2027, 6, 1),
    )


def test_dishonesty_removal_waits_for_the_period_and_the_original_obligation(cast):
    org = old_organization()
    InspectionYear.objects.create(year=2024, deadline=D(2025, 5, 31))
    run_on(D(2025, 6, 1))
    run_on(D(2027, 6, 1))
    entry = listed(org, "dishonesty")
    with pytest.raises(WorkflowError) as early:
        services.remove_from_list(
            entry_id=entry.pk, by=cast.district, reason="申请移出", today=D(2029, 6, 1)
        )
    assert early.value.code == ErrorCode.PERIOD_NOT_OVER and "2024" in early.value.detail
    AnnualReport.objects.create(organization=org, year=2024, summary="补报")
    with pytest.raises(WorkflowError) as period:
        services.remove_from_list(
            entry_id=entry.pk, by=cast.district, reason="申请移出", today=D(2029, 5, 31)
        )
    assert "2029-06-01" in period.value.detail
    with pytest.raises(WorkflowError) as no_reason:
        services.remove_from_list(
            entry_id=entry.pk, by=cast.district, reason="", today=D(2029, 6, 1)
        )
    assert no_reason.value.code == "reason_required"
    with pytest.raises(PermissionDenied):
        services.remove_from_list(
            entry_id=entry.pk, by=cast.street_a, reason="申请移出", today=D(2029, 6, 1)
        )
    services.remove_from_list(
        entry_id=entry.pk, by=cast.district, reason="期满且已补报", today=D(2029, 6, 1)
    )
    entry.refresh_from_db()
    assert (entry.state, entry.removed_on, entry.removal_reason) == (
        "removed",
        D(2029, 6, 1),
        "期满且已补报",
    )
    assert sorted(t.step for t in transitions_of(entry)) == ["remove", "rule"]


def test_staff_decision_needs_a_legal_basis_a_matching_cause_and_the_registration_body(cast):
    org = old_organization()
    base = {"organization_id": org.pk, "kind": "anomaly", "cause": "light_penalty"}
    with pytest.raises(ValidationError) as basis:
        services.enter_list(**base, legal_basis=" ", by=cast.district)
    assert "legal_basis" in basis.value.message_dict
    with pytest.raises(ValidationError) as cause:
        services.enter_list(
            **base | {"cause": "heavy_penalty"}, legal_basis="第九条", by=cast.district
        )
    assert "cause" in cause.value.message_dict
    with pytest.raises(ValidationError):
        services.enter_list(
            **base | {"kind": "dishonesty", "cause": "from_anomaly"},
            legal_basis="x",
            by=cast.district,
        )
    for who in ("street_a", "community_a1", "auditor", "evaluator"):
        with pytest.raises(PermissionDenied):
            services.enter_list(**base, legal_basis="第九条第五项", by=getattr(cast, who))
    entry = services.enter_list(
        **base, legal_basis="第九条第五项", by=cast.district, entered_on=D(2026, 1, 10)
    )
    assert (entry.entered_by, [t.step for t in transitions_of(entry)]) == (cast.district, ["enter"])
    assert ListEntry.objects.count() == 1


def test_nothing_to_correct_leaves_the_anomaly_list_after_six_months_and_a_new_cause_restarts(cast):
    org = old_organization()
    entry = services.enter_list(
        organization_id=org.pk,
        kind="anomaly",
        cause="light_penalty",
        legal_basis="警告（第九条第五项）",
        by=cast.district,
        entered_on=D(2026, 1, 10),
    )
    again = services.enter_list(
        organization_id=org.pk,
        kind="anomaly",
        cause="light_penalty",
        legal_basis="第二次警告",
        by=cast.district,
        entered_on=D(2026, 2, 1),
    )
    assert again.pk == entry.pk and ListEntry.objects.get(pk=entry.pk).period_from == D(2026, 2, 1)
    for day in days(D(2026, 7, 30), D(2026, 7, 31)):
        assert run_on(day)["removed"] == 0
    assert run_on(D(2026, 8, 1))["removed"] == 1
    assert ListEntry.objects.get(pk=entry.pk).state == "removed"


def test_an_anomaly_with_its_report_still_missing_is_not_removed_by_staff(cast):
    org = old_organization()
    InspectionYear.objects.create(year=2024, deadline=D(2025, 5, 31))
    run_on(D(2025, 6, 1))
    entry = listed(org, "anomaly")
    assert services.why_not_remove(entry)
    with pytest.raises(WorkflowError) as refused:
        services.remove_from_list(entry_id=entry.pk, by=cast.district, reason="核实")
    assert refused.value.code == ErrorCode.OBLIGATION_OPEN


def test_flagging_missing_reports_in_the_registry_enters_the_list_once():
    from registry import services as registry_services

    org = old_organization()
    InspectionYear.objects.create(year=2024, deadline=D(2025, 5, 31))
    registry_services.flag_missing_annual_reports(today=D(2025, 6, 1))
    assert listed(org, "anomaly")
    assert run_on(D(2025, 6, 2))["entered"] == 0
    assert CreditEvent.objects.filter(organization=org, kind="missing_report").count() == 1
