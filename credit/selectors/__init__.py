"""Reads of the credit app: list status, eligibility, ratings, disclosure (C2–C7).

Other apps call these (registry's eligible contractors and guided-exit candidates,
procurement's matching), never the credit models.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import Complaint, CreditEvent, ListEntry, StarModel, StarRating
from credit.models.stars import COMPONENT_LABELS, COMPONENTS

LOW_STARS = 1  # guided-exit candidates: this many stars or fewer
COMPLAINT_PENALTY = 15  # service component points per verified complaint in a year


def open_report_obligations(organization_id: int) -> list[int]:
    """Years whose missing annual report put the organization on the anomaly list and
    that are still missing (the obligation a removal waits for)."""
    from registry.models import AnnualReport, InspectionYear

    year_ids = CreditEvent.objects.filter(
        organization_id=organization_id,
        kind=CreditEvent.Kind.MISSING_REPORT,
        reversed_by__isnull=True,
    ).values("source_id")
    years = set(InspectionYear.objects.filter(pk__in=year_ids).values_list("year", flat=True))
    filed = set(
        AnnualReport.objects.filter(organization_id=organization_id, year__in=years).values_list(
            "year", flat=True
        )
    )
    return sorted(years - filed)


def current_entries(organization_ids=None) -> QuerySet:
    qs = ListEntry.objects.filter(state=ListEntry.State.LISTED)
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids)
    return qs


def listed_organization_ids() -> QuerySet:
    """Organizations on either list today: excluded from purchases and certification."""
    return current_entries().values("organization_id")


def exclusion_reasons(organization_ids) -> dict[int, str]:
    """Why each listed organization is not eligible, in words for staff (one query)."""
    out: dict[int, str] = {}
    for entry in current_entries(organization_ids).order_by("kind"):
        text = _("On the %(list)s since %(day)s (%(cause)s)") % {
            "list": entry.get_kind_display(),
            "day": entry.entered_on,
            "cause": entry.get_cause_display(),
        }
        out[entry.organization_id] = (
            f"{out[entry.organization_id]}；{text}" if entry.organization_id in out else text
        )
    return out


def eligibility_problems(organization) -> list[str]:
    reason = exclusion_reasons([organization.pk]).get(organization.pk)
    return [reason] if reason else []


def latest_ratings(organization_ids) -> dict[int, StarRating]:
    """Each organization's latest star rating (one query)."""
    rows = (
        StarRating.objects.filter(organization_id__in=organization_ids)
        .select_related("model")
        .order_by("organization_id", "-computed_at", "-pk")
    )
    out: dict[int, StarRating] = {}
    for rating in rows:
        out.setdefault(rating.organization_id, rating)
    return out


def rating_scores(organization_ids) -> dict[int, float]:
    """0–1 per rated organization, for matching rank."""
    return {k: float(r.score) / 100 for k, r in latest_ratings(organization_ids).items()}


def rating_score(organization) -> float | None:
    return rating_scores([organization.pk]).get(organization.pk)


def low_rated_organization_ids(*, max_stars: int = LOW_STARS) -> QuerySet:
    """Organizations whose latest star rating is `max_stars` or fewer (a subquery)."""
    latest = StarRating.objects.filter(organization_id=OuterRef("organization_id")).order_by(
        "-computed_at", "-pk"
    )
    return StarRating.objects.filter(
        pk=Subquery(latest.values("pk")[:1]), stars__lte=max_stars
    ).values("organization_id")


def current_star_model() -> StarModel | None:
    return StarModel.objects.order_by("-version").first()


# --- star components -------------------------------------------------------------------

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


@dataclass
class CreditPage:
    organization: object
    rating: StarRating | None
    events: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    conclusions: list = field(default_factory=list)
    grade: object = None
    grade_breakdown: list = field(default_factory=list)
    voice: dict = field(default_factory=dict)
    honours: list = field(default_factory=list)
    grade_appeals: list = field(default_factory=list)

    @property
    def listed(self) -> list:
        return [e for e in self.entries if e.state == ListEntry.State.LISTED]

    @property
    def exclusion(self) -> str | None:
        """Why the organization may not take purchases or certification (C7), if it may not."""
        listed = self.listed
        if not listed:
            return None
        return "；".join(
            _("On the %(list)s since %(day)s (%(cause)s)")
            % {"list": e.get_kind_display(), "day": e.entered_on, "cause": e.get_cause_display()}
            for e in listed
        )


PAGE_EVENTS = 100


def public_events(organization) -> list[CreditEvent]:
    """The latest public events, each with `kind_label` in words: looked up in one dict
    built per call (Django's `get_kind_display` rebuilds and hashes the choices, lazy
    labels and all, on every call: the page's largest cost in its profile)."""
    labels = {kind: str(label) for kind, label in CreditEvent.Kind.choices}
    events = list(
        CreditEvent.objects.filter(organization=organization, public=True)
        .only(*PUBLIC_EVENT_FIELDS)
        .order_by("-occurred_on", "-pk")[:PAGE_EVENTS]
    )
    for event in events:
        event.kind_label = labels.get(event.kind, event.kind)
    return events


PUBLIC_EVENT_FIELDS = (
    "id",
    "organization_id",
    "kind",
    "occurred_on",
    "effect",
    "expires_on",
    "summary",
    "reason",
    "reverses",
)


def public_credit_page(organization) -> CreditPage:
    from registry.selectors import public_conclusions

    grade = current_grades([organization.pk]).get(organization.pk)
    return CreditPage(
        grade=grade,
        grade_breakdown=grade_breakdown(grade) if grade else [],
        voice=public_voice(organization),
        honours=list(honour_roll().filter(organization=organization)),
        organization=organization,
        rating=latest_ratings([organization.pk]).get(organization.pk),
        events=public_events(organization),
        entries=list(
            ListEntry.objects.filter(organization=organization)
            .select_related("organization")
            .order_by("-entered_on", "-pk")
        ),
        conclusions=list(public_conclusions(organization)),
        grade_appeals=upheld_grade_appeals(organization.pk),
    )


def credit_page_version(organization) -> str:
    """What the public credit page shows has changed when this has: the newest row of
    every record the page reads (append-only tables by id; the others by their history,
    where every change is a row). One query of index lookups, so the rendered page can be
    cached and served again until something changes."""
    from credit.models import Appeal, Evaluation, Nomination, ServiceReview
    from registry.models import AnnualReport

    parts = [
        (CreditEvent, "id"),
        (StarRating, "id"),
        (ServiceReview, "id"),
        (ListEntry.history.model, "history_id"),
        (Evaluation.history.model, "history_id"),
        (Appeal.history.model, "history_id"),
        (Complaint.history.model, "history_id"),
        (Nomination.history.model, "history_id"),
        (AnnualReport.history.model, "history_id"),
    ]
    qn = connection.ops.quote_name
    sql = "SELECT " + ", ".join(
        f"(SELECT max({qn(column)}) FROM {qn(model._meta.db_table)} WHERE organization_id = %s)"
        for model, column in parts
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization.pk] * len(parts))
        row = cursor.fetchone()
    created = organization.created_at.timestamp() if organization.created_at else 0
    return f"{organization.pk}.{created}." + ".".join(str(v or 0) for v in row)


def public_list(*, kind: str = "", search: str = "", current_only: bool = True) -> QuerySet:
    """Entries of the public lists (all dates), searchable by name or credit code."""
    qs = ListEntry.objects.select_related("organization", "organization__home_area")
    if kind:
        qs = qs.filter(kind=kind)
    if current_only:
        qs = qs.filter(state=ListEntry.State.LISTED)
    if search.strip():
        term = search.strip()
        qs = qs.filter(Q(organization__name__icontains=term) | Q(organization__uscc=term.upper()))
    return qs.order_by("-entered_on", "-pk")


def events_for(user) -> QuerySet:
    """Every event the user may see (staff of the area, the organization's members)."""
    from huitian.access import visible

    return (
        visible(user, CreditEvent.objects.all())
        .select_related("organization")
        .order_by("-occurred_on", "-pk")
    )


def appeals_for(user) -> QuerySet:
    """Appeals the user may see: the organization's members, staff of its area."""
    from credit.models import Appeal
    from huitian.access import visible

    return (
        visible(user, Appeal.objects.all())
        .select_related("organization")
        .order_by("-submitted_at", "-pk")
    )


# --- grades, public voice, honours, settings (submodules) ------------------------------

from credit.selectors.grades import (  # noqa: E402
    current_grade_model,
    current_grades,
    evaluations_for,
    grade_breakdown,
    purchase_priority,
    simplified_inspection,
    upheld_grade_appeals,
)
from credit.selectors.honours import honour_roll, honour_years, nominations_for  # noqa: E402
from credit.selectors.settings import credit_settings  # noqa: E402
from credit.selectors.voice import (  # noqa: E402
    attended_activity,
    complaints_for,
    handled_need,
    public_voice,
    reviews_for,
    verified_complaints,
    voice_subjects,
)

__all__ = [
    "attended_activity",
    "complaints_for",
    "credit_settings",
    "current_grade_model",
    "current_grades",
    "evaluations_for",
    "grade_breakdown",
    "handled_need",
    "honour_roll",
    "honour_years",
    "nominations_for",
    "public_voice",
    "purchase_priority",
    "reviews_for",
    "simplified_inspection",
    "upheld_grade_appeals",
    "verified_complaints",
    "voice_subjects",
]
