"""The two credit lists (C2): entry and removal by rule (daily job) and by decision."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.error_codes import ErrorCode
from credit.models import CreditEvent, ListEntry
from credit.periods import add_months, add_years
from credit.selectors import credit_settings, open_report_obligations
from credit.services.events import record_credit_event
from huitian.access import require
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move, save_new
from registry.models import InspectionYear, Organization
from registry.selectors import missing_annual_reports

Kind, Cause, State = ListEntry.Kind, ListEntry.Cause, ListEntry.State

# The periods (anomaly → dishonesty, dishonesty minimum, automatic removal) are staff-edited
# settings (`CreditSettings`, defaults from MCA Order No. 60, see
# /work/shared/data/credit/README.md).
NOTHING_TO_CORRECT = (Cause.LIGHT_PENALTY,)
RULE_BASIS = {
    Cause.MISSING_REPORT: "《社会组织信用信息管理办法》第九条第一项",
    Cause.FROM_ANOMALY: "《社会组织信用信息管理办法》第十四条第一项",
}


def enter_list(
    *,
    organization_id: int,
    kind: str,
    cause: str,
    legal_basis: str,
    by,
    entered_on: datetime.date | None = None,
) -> ListEntry:
    """A staff decision with its legal basis. Already listed there: the period restarts."""
    allowed = ListEntry.ANOMALY_CAUSES if kind == Kind.ANOMALY else ListEntry.DISHONESTY_CAUSES
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose the anomaly or the dishonesty list.")]})
    if cause not in allowed or cause == Cause.FROM_ANOMALY:
        raise ValidationError({"cause": [_("This cause does not lead to this list.")]})
    if not (legal_basis or "").strip():
        raise ValidationError({"legal_basis": [_("Name the legal basis of the decision.")]})
    check_lengths(legal_basis=(legal_basis, ListEntry.BASIS_MAX_LENGTH))
    with transaction.atomic():
        org = Organization.objects.select_for_update().select_related("home_area")
        org = org.get(pk=organization_id)
        require(by, "credit.decide_listing", org)
        return _enter(
            org, kind, cause, legal_basis.strip(), by=by, on=entered_on or timezone.localdate()
        )


def _enter(org, kind, cause, basis, *, by, on, rule_key="", moved_from=None) -> ListEntry:
    current = ListEntry.objects.filter(organization=org, kind=kind, state=State.LISTED).first()
    if current is not None:  # a new cause while listed restarts the period
        current.period_from = on
        current._history_user = by if getattr(by, "pk", None) else None
        current.save(update_fields=["period_from"])
        entry = current
    else:
        entry = ListEntry(
            organization=org,
            kind=kind,
            cause=cause,
            legal_basis=basis,
            rule_key=rule_key,
            entered_on=on,
            period_from=on,
            moved_from=moved_from,
            entered_by=by if getattr(by, "pk", None) else None,
        )
        save_new(entry, by=by, step="enter" if getattr(by, "pk", None) else "rule", note=basis)
    record_credit_event(
        organization_id=org.pk,
        kind=CreditEvent.Kind.LIST_ENTRY,
        occurred_on=on,
        summary=_("%(list)s: %(cause)s")
        % {"list": entry.get_kind_display(), "cause": ListEntry.Cause(cause).label},
        source=entry if current is None else None,
        by=by,
    )
    return entry


def why_not_remove(entry: ListEntry, *, today: datetime.date | None = None) -> list[str]:
    """What still stands in the way of removing `entry` (empty: it may be removed)."""
    today = today or timezone.localdate()
    problems = []
    if entry.state != State.LISTED:
        return [_("It is no longer listed.")]
    open_years = open_report_obligations(entry.organization_id)
    if open_years and (entry.kind == Kind.ANOMALY or entry.moved_from_id):
        problems.append(
            _("The annual report for %(years)s is still missing.")
            % {"years": "、".join(str(y) for y in open_years)}
        )
    if entry.kind == Kind.DISHONESTY:
        if entry.cause == Cause.REVOKED:
            if entry.organization.status != Organization.Status.DEREGISTERED:
                problems.append(_("Listed for revocation: removal follows deregistration."))
        else:
            ends = add_years(entry.period_from, credit_settings().dishonesty_min_years)
            if ends > today:
                problems.append(_("The period runs until %(day)s.") % {"day": ends})
    return problems


def remove_from_list(
    *, entry_id: int, by, reason: str, today: datetime.date | None = None
) -> ListEntry:
    """A staff decision with a reason, once `why_not_remove` has nothing to say."""
    today = today or timezone.localdate()
    with transaction.atomic():
        entry = ListEntry.objects.select_for_update().get(pk=entry_id)
        org = Organization.objects.select_related("home_area").get(pk=entry.organization_id)
        require(by, "credit.decide_listing", org)
        check_step(entry, ListEntry.FLOW["remove"], note=reason)
        problems = why_not_remove(entry, today=today)
        if problems:
            code = (
                ErrorCode.PERIOD_NOT_OVER
                if entry.kind == Kind.DISHONESTY
                else ErrorCode.OBLIGATION_OPEN
            )
            raise WorkflowError(code, " ".join(str(p) for p in problems))
        _remove(entry, by=by, reason=reason.strip(), on=today)
    return entry


def _remove(entry, *, by, reason, on, step="remove"):
    entry.removed_on = on
    entry.removal_reason = reason[: ListEntry.BASIS_MAX_LENGTH]
    move(entry, ListEntry.FLOW[step], by=by, note=reason, also=["removed_on", "removal_reason"])
    record_credit_event(
        organization_id=entry.organization_id,
        kind=CreditEvent.Kind.LIST_REMOVAL,
        occurred_on=on,
        summary=_("%(list)s: %(reason)s") % {"list": entry.get_kind_display(), "reason": reason},
        source=entry,
        by=by,
    )


def record_missing_annual_report(
    *, organization_id: int, year_id: int, today: datetime.date | None = None
) -> bool:
    """A missing annual report: a credit event and the anomaly list (rule 1), once per
    organization and year. False when it was already recorded."""
    today = today or timezone.localdate()
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        year = InspectionYear.objects.get(pk=year_id)
        if CreditEvent.objects.filter(
            organization=org, kind=CreditEvent.Kind.MISSING_REPORT, source_id=year.pk
        ).exists():
            return False
        record_credit_event(
            organization_id=org.pk,
            kind=CreditEvent.Kind.MISSING_REPORT,
            occurred_on=today,
            summary=_("No %(year)s annual report by %(deadline)s")
            % {"year": year.year, "deadline": year.deadline},
            source=year,
        )
        _enter(
            org,
            Kind.ANOMALY,
            Cause.MISSING_REPORT,
            RULE_BASIS[Cause.MISSING_REPORT],
            by=None,
            on=today,
            rule_key=f"missing_report:{year.year}",
        )
    return True


def apply_list_rules(*, today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: every rule of the two lists, idempotent (a second run changes nothing)."""
    today = today or timezone.localdate()
    done = {"entered": 0, "removed": 0, "moved": 0}
    for year in InspectionYear.objects.filter(deadline__lt=today).order_by("year"):
        for org in missing_annual_reports(year.year).filter(created_at__date__lte=year.deadline):
            if record_missing_annual_report(organization_id=org.pk, year_id=year.pk, today=today):
                done["entered"] += 1
    periods = credit_settings()
    listed = ListEntry.objects.filter(kind=Kind.ANOMALY, state=State.LISTED)
    for entry in listed.select_related("organization").order_by("pk"):
        with transaction.atomic():
            entry = ListEntry.objects.select_for_update().get(pk=entry.pk)
            if entry.state != State.LISTED:
                continue
            open_years = open_report_obligations(entry.organization_id)
            if entry.cause == Cause.MISSING_REPORT and not open_years:
                _remove(
                    entry, by=None, reason=_("The missing annual report was submitted."), on=today
                )
                done["removed"] += 1
            elif (
                entry.cause in NOTHING_TO_CORRECT
                and add_months(entry.period_from, periods.auto_removal_months) <= today
            ):
                _remove(
                    entry, by=None, reason=_("Six months passed with nothing to correct."), on=today
                )
                done["removed"] += 1
            elif add_years(entry.period_from, periods.anomaly_to_dishonesty_years) <= today:
                _move_to_dishonesty(entry, on=today)
                done["moved"] += 1
    return done


def _move_to_dishonesty(entry: ListEntry, *, on: datetime.date) -> None:
    reason = _("Two full years on the activity-anomaly list.")
    entry.removed_on = on
    entry.removal_reason = reason
    move(entry, ListEntry.FLOW["move"], by=None, note=reason, also=["removed_on", "removal_reason"])
    _enter(
        entry.organization,
        Kind.DISHONESTY,
        Cause.FROM_ANOMALY,
        RULE_BASIS[Cause.FROM_ANOMALY],
        by=None,
        on=on,
        rule_key=f"from_anomaly:{entry.pk}",
        moved_from=entry,
    )
