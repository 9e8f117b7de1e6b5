"""Matching (P4): rank organizations and their offers for a topic, with the reasons why."""

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from credit import selectors as credit_selectors
from huitian.models import Area
from procurement.models import Need, Offer, Topic
from registry.selectors import eligible_contractors

WEIGHTS = {"category": 30, "area": 25, "capacity": 15, "credit": 10, "record": 20}


@dataclass
class Candidate:
    organization: object
    offer: Offer | None
    score: float = 0.0
    reasons: list[dict] = field(default_factory=list)


def credit_score(organization, scores: dict[int, float] | None = None) -> tuple[float, str]:
    """The organization's star rating as 0–1 (credit app, C7); neutral 0.5 when unrated.
    `scores` from `credit.selectors.rating_scores` saves a query per candidate."""
    if scores is None:
        scores = credit_selectors.rating_scores([organization.pk])
    value = scores.get(organization.pk)
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
    scores = credit_selectors.rating_scores(ids)
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
                scores,
            )
            if best is None or cand.score > best.score:
                best = cand
        out.append(best)
    out.sort(key=lambda c: (-c.score, c.organization.pk))
    return out[:limit]


def _score(org, offer, topic, community, category, load, rec, month_start, scores) -> Candidate:
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
    add("credit", *credit_score(org, scores))
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
