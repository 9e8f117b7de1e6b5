"""Scoped reads: queues, lists, rates of 接诉即办, matching candidates, whistle times.

The registry is read only through `registry.selectors`.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import organization_ids, visible
from huitian.models import Area
from huitian.workdays import WorkingCalendar
from procurement.models import (
    Need,
    NeedsList,
    NeedsListEntry,
    Offer,
    Topic,
    WhistleCall,
    WhistleResponse,
)
from registry.selectors import eligible_contractors, public_directory

NEAR_DUE_WORKING_DAYS = 1


def needs_for(user, *, state: str = ""):
    qs = visible(user, Need.objects.all()).select_related(
        "community", "community__parent", "category", "assigned_org", "assigned_area"
    )
    qs = qs.order_by("-created_at", "-pk")
    return qs.filter(state=state) if state else qs


def own_needs(user):
    """The needs a signed-in resident submitted, newest first."""
    return (
        Need.objects.filter(submitter=user)
        .select_related("community", "category")
        .order_by("-created_at", "-pk")
    )


def need_by_tracking_code(code: str) -> Need | None:
    """Whoever holds the code follows the need (the code is the secret)."""
    return (
        Need.objects.select_related("community", "category", "assigned_org", "assigned_area")
        .filter(tracking_code=(code or "").strip().upper()[:12])
        .first()
    )


def assigned_needs(user):
    """Needs handed to the organizations the user is a member of."""
    return (
        needs_for(user)
        .filter(assigned_org_id__in=organization_ids(user))
        .order_by("-created_at", "-pk")
    )


def topics_for(user):
    """Open and matched topics of the user's areas (merged ones are gone into others)."""
    return visible(user, Topic.objects.exclude(state=Topic.State.MERGED)).select_related(
        "area", "category"
    )


def needs_lists_for(user, *, staff: bool):
    """Staff see drafts too; everybody else the published lists."""
    return NeedsList.objects.order_by("-period_start") if staff else published_lists()


def needs_for_queue(user, *, bucket: str = "all", today: datetime.date | None = None):
    """Open needs in the user's area; bucket 'overdue' or 'near_due' (due within a working day)."""
    today = today or timezone.localdate()
    soon = WorkingCalendar().add_working_days(today, NEAR_DUE_WORKING_DAYS)
    qs = needs_for(user).filter(state__in=Need.OPEN_STATES)
    late_response = Q(state=Need.State.RECEIVED, response_due__lt=today)
    late_resolution = Q(resolution_due__lt=today)
    if bucket == "overdue":
        qs = qs.filter(late_response | late_resolution)
    elif bucket == "near_due":
        qs = qs.exclude(late_response | late_resolution).filter(
            Q(state=Need.State.RECEIVED, response_due__lte=soon) | Q(resolution_due__lte=soon)
        )
    return qs.order_by("resolution_due", "pk")


def due_status(need: Need, today: datetime.date, soon: datetime.date) -> str:
    if not need.is_open:
        return ""
    due = need.response_due if need.state == Need.State.RECEIVED else need.resolution_due
    if (need.resolution_due and need.resolution_due < today) or (due and due < today):
        return "overdue"
    if due and due <= soon:
        return "near_due"
    return "on_time"


GROUPINGS = {
    "street": ("community__parent_id", "community__parent__name"),
    "community": ("community_id", "community__name"),
    "category": ("category_id", "category__name"),
}


def need_rates(user, *, start: datetime.date, end: datetime.date, by: str = "street") -> list[dict]:
    """The three rates of 接诉即办 for needs received in [start, end], grouped.

    - response rate: needs answered (accepted or rejected) by their response deadline
      / needs received;
    - resolution rate: needs resolved / needs received and not rejected (needs closed
      without resolution count against it);
    - satisfaction rate: ratings of 4 or 5 / needs rated.
    """
    key, label = GROUPINGS[by]
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    rows = (
        visible(user, Need.objects.all())
        .filter(created_at__gte=lo, created_at__lt=hi)
        .values(key, label)
        .annotate(
            received=Count("pk"),
            responded_on_time=Count(
                "pk",
                filter=Q(responded_at__isnull=False, responded_at__date__lte=F("response_due")),
            ),
            accepted=Count("pk", filter=~Q(state=Need.State.REJECTED)),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            rated=Count("pk", filter=Q(satisfaction__isnull=False)),
            satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
        )
        .order_by(label)
    )
    out = []
    for row in rows:
        out.append(
            {
                "id": row[key],
                "name": row[label],
                "received": row["received"],
                "response_rate": _rate(row["responded_on_time"], row["received"]),
                "resolution_rate": _rate(row["resolved"], row["accepted"]),
                "satisfaction_rate": _rate(row["satisfied"], row["rated"]),
                "rated": row["rated"],
            }
        )
    return out


def _rate(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


def published_lists():
    return NeedsList.objects.filter(state=NeedsList.State.PUBLISHED).order_by("-period_start")


def published_entries(needs_list: NeedsList):
    return (
        NeedsListEntry.objects.filter(needs_list=needs_list)
        .select_related("topic", "topic__area", "topic__area__parent", "topic__category")
        .order_by("rank")
    )


def published_list_entries(*, list_id: int | None = None, street: str = "", category: str = ""):
    """Entries of the latest published list (or list `list_id`), by street / category code."""
    lists_ = published_lists()
    chosen = lists_.filter(pk=list_id).first() if list_id else lists_.first()
    if chosen is None:
        return NeedsListEntry.objects.none()
    qs = published_entries(chosen).select_related("needs_list")
    if street:
        qs = qs.filter(Q(topic__area__parent__code=street) | Q(topic__area__code=street))
    if category:
        qs = qs.filter(
            Q(topic__category__code=category) | Q(topic__category__parent__code=category)
        )
    return qs


def active_offers(
    *,
    category: str = "",
    organization: int | None = None,
    free: bool | None = None,
    area: str = "",
):
    """The supply list: active offers, filtered by category (group) code, organization id,
    free of charge, and the area code they serve (offers covering it or inside it)."""
    qs = (
        Offer.objects.filter(state=Offer.State.ACTIVE, valid_until__gte=timezone.localdate())
        .select_related("organization", "category")
        .prefetch_related("areas")
    )
    if category:
        qs = qs.filter(Q(category__code=category) | Q(category__parent__code=category))
    if organization is not None:
        qs = qs.filter(organization_id=organization)
    if free:
        qs = qs.filter(is_free=True)
    if area:
        found = Area.objects.filter(code=area).first()
        if found is None:
            return qs.none()
        covering = [a for a in found.path.strip("/").split("/") if a]
        qs = qs.filter(Q(areas__in=covering) | Q(areas__path__startswith=found.path)).distinct()
    return qs.order_by("-created_at", "-pk")


def whistle_calls_for(user):
    return (
        visible(user, WhistleCall.objects.all())
        .select_related("community", "category")
        .annotate(response_count=Count("responses", distinct=True))
    )


def whistle_calls_with_responses(user):
    return (
        visible(user, WhistleCall.objects.all())
        .select_related("community", "category")
        .prefetch_related(
            Prefetch("responses", WhistleResponse.objects.select_related("organization"))
        )
    )


def responded_call_ids(calls, organizations) -> set[int]:
    """Which of `calls` the `organizations` already answered."""
    return set(
        WhistleResponse.objects.filter(call__in=calls, organization__in=organizations).values_list(
            "call_id", flat=True
        )
    )


def whistle_responses_for(user) -> QuerySet:
    return visible(user, WhistleResponse.objects.all())


def whistle_response_times(user) -> QuerySet:
    """Per organization: responses to the whistle calls the user sees, minutes, selections."""
    return (
        whistle_responses_for(user)
        .values("organization_id", "organization__name")
        .annotate(
            responses=Count("pk"),
            avg_minutes=Avg("response_minutes"),
            fastest=Min("response_minutes"),
            selected=Count("pk", filter=Q(selected=True)),
        )
        .order_by("avg_minutes", "organization_id")
    )


def listed_organization(pk):
    """An organization of the public directory (active, suspended or in liquidation), or None."""
    return public_directory().filter(pk=pk).first()


def member_organizations(user) -> list:
    """The listed organizations the user is a member of, by name."""
    ids = organization_ids(user)
    return list(public_directory().filter(pk__in=ids)) if ids else []


WEIGHTS = {"category": 30, "area": 25, "capacity": 15, "credit": 10, "record": 20}


@dataclass
class Candidate:
    organization: object
    offer: Offer | None
    score: float = 0.0
    reasons: list[dict] = field(default_factory=list)


def credit_score(organization) -> tuple[float, str]:
    """HOOK for the credit app: a 0–1 rating when it exists, neutral 0.5 until then."""
    try:
        from credit import selectors as credit_selectors  # type: ignore[attr-defined]
    except ImportError:
        return 0.5, _("no credit rating yet (neutral)")
    rating = getattr(credit_selectors, "rating_score", None)
    if rating is None:
        return 0.5, _("no credit rating yet (neutral)")
    value = rating(organization)
    if value is None:
        return 0.5, _("no credit rating yet (neutral)")
    return float(value), _("credit rating %(v).2f") % {"v": float(value)}


def _area_fit(community: Area, areas: list[Area]) -> tuple[float, str]:
    best, why = 0.0, _("does not serve this area")
    for area in areas:
        if area.pk == community.pk:
            return 1.0, _("serves this community")
        if (area.level == Area.Level.STREET and area.contains(community)) or (
            area.level == Area.Level.COMMUNITY and area.parent_id == community.parent_id
        ):
            best, why = max(best, 0.6), _("serves the same street")
        elif area.level == Area.Level.DISTRICT and area.contains(community) and best < 0.3:
            best, why = 0.3, _("serves the whole district")
    return best, why


def offer_candidates(topic: Topic, *, limit: int = 20) -> list[Candidate]:
    """Ranked candidates for a topic: one per organization (its best offer, if any)."""
    community = topic.area
    if community.level != Area.Level.COMMUNITY:
        community = (
            topic.needs.select_related("community").first().community
            if topic.need_count
            else community
        )
    category = topic.category
    group_id = category.parent_id or category.pk
    orgs = (
        eligible_contractors()
        .filter(
            Q(offers__state=Offer.State.ACTIVE, offers__category__in=[category.pk])
            | Q(offers__state=Offer.State.ACTIVE, offers__category__parent_id=group_id)
            | Q(offers__state=Offer.State.ACTIVE, offers__category_id=group_id)
            | Q(categories=category)
        )
        .distinct()
        .prefetch_related("service_areas", "categories")
    )
    orgs = list(orgs[:200])
    if not orgs:
        return []
    ids = [o.pk for o in orgs]
    offers: dict[int, list[Offer]] = {}
    for offer in (
        Offer.objects.filter(organization_id__in=ids, state=Offer.State.ACTIVE)
        .select_related("category")
        .prefetch_related("areas")
    ):
        offers.setdefault(offer.organization_id, []).append(offer)
    month_start = timezone.localdate().replace(day=1)
    load = dict(
        Need.objects.filter(assigned_org_id__in=ids, state__in=Need.OPEN_STATES)
        .values_list("assigned_org_id")
        .annotate(n=Count("pk"))
    )
    record = {
        row["assigned_org_id"]: row
        for row in Need.objects.filter(assigned_org_id__in=ids)
        .exclude(state__in=Need.OPEN_STATES)
        .values("assigned_org_id")
        .annotate(
            done=Count("pk"),
            resolved=Count("pk", filter=Q(resolved_at__isnull=False)),
            sat=Avg("satisfaction"),
        )
    }
    out = []
    for org in orgs:
        best = None
        for offer in offers.get(org.pk, []) or [None]:
            cand = _score(
                org,
                offer,
                topic,
                community,
                category,
                load.get(org.pk, 0),
                record.get(org.pk),
                month_start,
            )
            if best is None or cand.score > best.score:
                best = cand
        out.append(best)
    out.sort(key=lambda c: (-c.score, c.organization.pk))
    return out[:limit]


def _score(org, offer, topic, community, category, load, rec, month_start) -> Candidate:
    reasons = []

    def add(factor, value, text):
        reasons.append(
            {
                "factor": factor,
                "value": round(value, 2),
                "weight": WEIGHTS[factor],
                "why": str(text),
            }
        )

    if offer is not None and offer.category_id == category.pk:
        add("category", 1.0, _("offer in the same category"))
    elif offer is not None:
        add("category", 0.5, _("offer in the same category group"))
    else:
        add("category", 0.6, _("organization works in this category (no offer)"))
    areas = list(offer.areas.all()) if offer is not None else list(org.service_areas.all())
    if offer is not None and not areas:
        areas = list(org.service_areas.all())
    add("area", *_area_fit(community, areas))
    capacity = offer.capacity_per_month if offer is not None else 0
    if capacity:
        spare = max(0, capacity - load)
        add(
            "capacity",
            spare / capacity,
            _("%(spare)d of %(cap)d places free this month") % {"spare": spare, "cap": capacity},
        )
    else:
        add("capacity", 0.5, _("capacity unknown (neutral)"))
    add("credit", *credit_score(org))
    if rec and rec["done"]:
        rate = rec["resolved"] / rec["done"]
        sat = float(rec["sat"]) / 5 if rec["sat"] is not None else 0.5
        add(
            "record",
            (rate + sat) / 2,
            _("resolved %(r)d%% of %(n)d needs, satisfaction %(s)s")
            % {
                "r": round(rate * 100),
                "n": rec["done"],
                "s": f"{float(rec['sat']):.1f}" if rec["sat"] else "—",
            },
        )
    else:
        add("record", 0.5, _("no past needs (neutral)"))
    score = sum(r["value"] * r["weight"] for r in reasons)
    return Candidate(organization=org, offer=offer, score=round(score, 2), reasons=reasons)
