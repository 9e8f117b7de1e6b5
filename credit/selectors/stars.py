"""Star rating components and breakdowns (C3): what the nightly recompute and the public
page explain, read set-based for many organizations at once."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Avg, Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import Complaint, CreditEvent, ListEntry, StarModel
from credit.models.stars import COMPONENT_LABELS, COMPONENTS
from credit.selectors import COMPLAINT_PENALTY

CONCLUSION_VALUE = {"pass": 100, "basic": 70, "fail": 20}
LIST_VALUE = {"dishonesty": 0, "anomaly": 40}
CREDIT_BASE = 70
INTERVIEW_PENALTY = 15


def _clamp(value) -> int:
    return int(max(0, min(100, round(value))))


def among(field: str, ids) -> Q:
    """`field IN ids`. On PostgreSQL the ids travel as one array parameter: Django then
    neither compiles nor prepares a placeholder per id, which for the nightly run's
    10,000 ids was most of its time (profile in bench/README.md)."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (ids,))})
    return Q(**{f"{field}__in": ids})


def _latest_reports(ids: list[int], since_year: int) -> dict[int, tuple]:
    """{org id: (year, conclusion)} of each organization's latest report since a year."""
    from registry.models import AnnualReport

    rows = AnnualReport.objects.filter(among("organization_id", ids), year__gte=since_year)
    rows = rows.order_by("organization_id", "-year")
    if connection.vendor == "postgresql":
        rows = rows.distinct("organization_id")
    out: dict[int, tuple] = {}
    for org_id, year, conclusion in rows.values_list("organization_id", "year", "conclusion"):
        out.setdefault(org_id, (year, conclusion))
    return out


def star_components(organization_ids, *, today: datetime.date | None = None) -> dict:
    """{org_id: {component: (value 0–100, why)}} from the data that exists, in a fixed
    number of queries whatever the number of organizations. Set-based: one aggregate per
    source over all the organizations, then plain arithmetic per organization (the words
    translated once per call, not once per organization)."""
    from procurement.models import Need, WhistleResponse
    from registry.models import AnnualReport, Interview

    today = today or timezone.localdate()
    ids = list(organization_ids)
    year_ago = today - datetime.timedelta(days=365)
    reports = _latest_reports(ids, today.year - 2)
    interviews = dict(
        Interview.objects.filter(among("organization_id", ids), held_on__gt=year_ago)
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    needs = {
        org_id: (n, sat)
        for org_id, n, sat in Need.objects.filter(
            among("assigned_org_id", ids), resolved_at__date__gt=year_ago
        )
        .values_list("assigned_org_id")
        .annotate(n=Count("pk"), sat=Avg("satisfaction"))
        .order_by()
    }
    whistles = dict(
        WhistleResponse.objects.filter(
            among("organization_id", ids), responded_at__date__gt=year_ago
        )
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    complaints = dict(
        Complaint.objects.filter(
            among("organization_id", ids),
            state=Complaint.State.VERIFIED,
            decided_on__gt=year_ago,
        )
        .values_list("organization_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    listed: dict[int, str] = {}
    for org_id, kind in (
        ListEntry.objects.filter(among("organization_id", ids), state=ListEntry.State.LISTED)
        .values_list("organization_id", "kind")
        .order_by()
    ):
        if listed.get(org_id) != ListEntry.Kind.DISHONESTY:
            listed[org_id] = kind
    effects = dict(
        CreditEvent.objects.filter(among("organization_id", ids), occurred_on__lte=today)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today))
        .values_list("organization_id")
        .annotate(total=Sum("effect"))
        .order_by()
    )
    # The words, once per call.
    conclusions = {k: str(v) for k, v in AnnualReport.Conclusion.choices}
    no_report = _("no annual report in the last two years")
    report_concluded = _("%(year)s annual report: %(c)s")
    report_pending = _("%(year)s annual report submitted, not yet concluded")
    interviewed_words = _("; %(n)d administrative interview(s) this year")
    activity_words = _("%(n)d needs served and %(c)d whistle calls answered in a year")
    satisfaction_words = _("average satisfaction %(s).1f of 5")
    neutral = _("no satisfaction ratings yet (neutral)")
    complained_words = _("; %(n)d verified complaint(s) this year")
    on_list = {
        kind: _("on the %(list)s") % {"list": label} for kind, label in ListEntry.Kind.choices
    }
    on_no_list = _("on no credit list")
    events_words = _("credit events in force: %(t)+d points")
    out = {}
    for pk in ids:
        report = reports.get(pk)
        interviewed = interviews.get(pk, 0)
        if report is None:
            gov, why = 30, no_report
        elif report[1]:
            gov = CONCLUSION_VALUE[report[1]]
            why = report_concluded % {"year": report[0], "c": conclusions[report[1]]}
        else:
            gov, why = 60, report_pending % {"year": report[0]}
        if interviewed:
            why += interviewed_words % {"n": interviewed}
        served_needs, sat = needs.get(pk) or (0, None)
        calls = whistles.get(pk, 0)
        status = listed.get(pk)
        total = effects.get(pk) or 0
        complained = complaints.get(pk, 0)
        if sat is not None:
            service_value, service_why = float(sat) * 20, satisfaction_words % {"s": sat}
        else:
            service_value, service_why = 60, neutral
        if complained:
            service_value -= COMPLAINT_PENALTY * complained
            service_why += complained_words % {"n": complained}
        out[pk] = {
            "governance": (_clamp(gov - INTERVIEW_PENALTY * interviewed), why),
            "activity": (
                _clamp(20 * (served_needs + calls)),
                activity_words % {"n": served_needs, "c": calls},
            ),
            "service": (_clamp(service_value), service_why),
            "finance": (LIST_VALUE[status], on_list[status]) if status else (100, on_no_list),
            "credit": (_clamp(CREDIT_BASE + total), events_words % {"t": total}),
        }
    return out


def breakdown_scorer(model: StarModel):
    """`score(components) -> (score, rows)` for one model: weights and labels looked up
    once, then weighted points per component; the score is their sum (exactly, in cents)."""
    parts = [
        (name, str(COMPONENT_LABELS[name]), getattr(model, f"weight_{name}")) for name in COMPONENTS
    ]
    cent = Decimal("0.01")

    def score(components: dict) -> tuple[Decimal, list[dict]]:
        rows = []
        total = Decimal("0.00")
        for name, label, weight in parts:
            value, why = components[name]
            points = (Decimal(value) * weight / 100).quantize(cent)
            total += points
            rows.append(
                {
                    "component": name,
                    "label": label,
                    "weight": weight,
                    "value": value,
                    "points": str(points),
                    "why": str(why),
                }
            )
        return total, rows

    return score


def breakdown_for(model: StarModel, components: dict) -> tuple[Decimal, list[dict]]:
    """Weighted points per component; the score is their sum (exactly, in cents)."""
    return breakdown_scorer(model)(components)


# --- disclosure ----------------------------------------------------------------------
