"""Reads of the credit app: list status, eligibility, ratings (C2–C7);
star components in stars.py, the public page in disclosure.py.

Other apps call these (registry's eligible contractors and guided-exit candidates,
procurement's matching), never the credit models.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from credit.models import CreditEvent, ListEntry, StarModel, StarRating

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


# --- grades, public voice, honours, settings, stars, disclosure (submodules) ----------

from credit.selectors.disclosure import (  # noqa: E402
    PAGE_EVENTS,
    PUBLIC_EVENT_FIELDS,
    CreditPage,
    PageState,
    credit_page_state,
    public_credit_page,
    public_events,
)
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
from credit.selectors.stars import (  # noqa: E402
    CONCLUSION_VALUE,
    CREDIT_BASE,
    INTERVIEW_PENALTY,
    LIST_VALUE,
    among,
    breakdown_for,
    breakdown_scorer,
    star_components,
)
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
    "CONCLUSION_VALUE",
    "CREDIT_BASE",
    "INTERVIEW_PENALTY",
    "LIST_VALUE",
    "PAGE_EVENTS",
    "PUBLIC_EVENT_FIELDS",
    "CreditPage",
    "PageState",
    "among",
    "attended_activity",
    "breakdown_for",
    "breakdown_scorer",
    "complaints_for",
    "credit_page_state",
    "credit_settings",
    "current_grade_model",
    "current_grades",
    "evaluations_for",
    "grade_breakdown",
    "handled_need",
    "honour_roll",
    "honour_years",
    "nominations_for",
    "public_credit_page",
    "public_events",
    "public_voice",
    "purchase_priority",
    "reviews_for",
    "simplified_inspection",
    "star_components",
    "upheld_grade_appeals",
    "verified_complaints",
    "voice_subjects",
]
