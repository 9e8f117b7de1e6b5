"""Reads of the credit app: list status, eligibility, ratings, disclosure (C2–C7).

Other apps call these (registry's eligible contractors and guided-exit candidates,
procurement's matching), never the credit models.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery, Sum
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


def star_components(organization_ids, *, today: datetime.date | None = None) -> dict:
    """{org_id: {component: (value 0–100, why)}} from the data that exists, in a fixed
    number of queries whatever the number of organizations."""
    from procurement.models import Need, WhistleResponse
    from registry.models import AnnualReport, Interview

    today = today or timezone.localdate()
    ids = list(organization_ids)
    year_ago = today - datetime.timedelta(days=365)
    reports: dict[int, AnnualReport] = {}
    for report in AnnualReport.objects.filter(
        organization_id__in=ids, year__gte=today.year - 2
    ).order_by("organization_id", "-year"):
        reports.setdefault(report.organization_id, report)
    interviews = dict(
        Interview.objects.filter(organization_id__in=ids, held_on__gt=year_ago)
        .values_list("organization_id")
        .annotate(n=Count("pk"))
    )
    needs = {
        row["assigned_org_id"]: row
        for row in Need.objects.filter(assigned_org_id__in=ids, resolved_at__date__gt=year_ago)
        .values("assigned_org_id")
        .annotate(n=Count("pk"), sat=Avg("satisfaction"))
    }
    whistles = dict(
        WhistleResponse.objects.filter(organization_id__in=ids, responded_at__date__gt=year_ago)
        .values_list("organization_id")
        .annotate(n=Count("pk"))
    )
    complaints = dict(
        Complaint.objects.filter(
            organization_id__in=ids, state=Complaint.State.VERIFIED, decided_on__gt=year_ago
        )
        .values_list("organization_id")
        .annotate(n=Count("pk"))
    )
    listed: dict[int, str] = {}
    for org_id, kind in current_entries(ids).values_list("organization_id", "kind"):
        if listed.get(org_id) != ListEntry.Kind.DISHONESTY:
            listed[org_id] = kind
    effects = dict(
        CreditEvent.objects.filter(organization_id__in=ids, occurred_on__lte=today)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=today))
        .values_list("organization_id")
        .annotate(total=Sum("effect"))
    )
    out = {}
    for pk in ids:
        report = reports.get(pk)
        interviewed = interviews.get(pk, 0)
        if report is None:
            gov, why = 30, _("no annual report in the last two years")
        elif report.conclusion:
            gov = CONCLUSION_VALUE[report.conclusion]
            why = _("%(year)s annual report: %(c)s") % {
                "year": report.year,
                "c": report.get_conclusion_display(),
            }
        else:
            gov, why = (
                60,
                _("%(year)s annual report submitted, not yet concluded") % {"year": report.year},
            )
        if interviewed:
            why += _("; %(n)d administrative interview(s) this year") % {"n": interviewed}
        need = needs.get(pk) or {"n": 0, "sat": None}
        calls = whistles.get(pk, 0)
        served = need["n"] + calls
        sat = need["sat"]
        status = listed.get(pk)
        total = effects.get(pk) or 0
        complained = complaints.get(pk, 0)
        service_value, service_why = (
            (float(sat) * 20, _("average satisfaction %(s).1f of 5") % {"s": sat})
            if sat is not None
            else (60, _("no satisfaction ratings yet (neutral)"))
        )
        if complained:
            service_value -= COMPLAINT_PENALTY * complained
            service_why += _("; %(n)d verified complaint(s) this year") % {"n": complained}
        out[pk] = {
            "governance": (_clamp(gov - INTERVIEW_PENALTY * interviewed), why),
            "activity": (
                _clamp(20 * served),
                _("%(n)d needs served and %(c)d whistle calls answered in a year")
                % {"n": need["n"], "c": calls},
            ),
            "service": (_clamp(service_value), service_why),
            "finance": (
                (LIST_VALUE[status], _("on the %(list)s") % {"list": ListEntry.Kind(status).label})
                if status
                else (100, _("on no credit list"))
            ),
            "credit": (
                _clamp(CREDIT_BASE + total),
                _("credit events in force: %(t)+d points") % {"t": total},
            ),
        }
    return out


def breakdown_for(model: StarModel, components: dict) -> tuple[Decimal, list[dict]]:
    """Weighted points per component; the score is their sum (exactly, in cents)."""
    rows = []
    for name in COMPONENTS:
        value, why = components[name]
        weight = getattr(model, f"weight_{name}")
        points = (Decimal(value) * weight / 100).quantize(Decimal("0.01"))
        rows.append(
            {
                "component": name,
                "label": str(COMPONENT_LABELS[name]),
                "weight": weight,
                "value": value,
                "points": str(points),
                "why": str(why),
            }
        )
    return sum((Decimal(r["points"]) for r in rows), Decimal("0.00")), rows


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
        events=list(
            CreditEvent.objects.filter(organization=organization, public=True).order_by(
                "-occurred_on", "-pk"
            )[:100]
        ),
        entries=list(
            ListEntry.objects.filter(organization=organization)
            .select_related("organization")
            .order_by("-entered_on", "-pk")
        ),
        conclusions=list(public_conclusions(organization)),
        grade_appeals=upheld_grade_appeals(organization.pk),
    )


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
