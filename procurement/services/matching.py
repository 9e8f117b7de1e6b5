"""Matching (P4): rank offers and organizations for a topic, with the reasons why."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, User
from huitian.services import notify
from huitian.workflow import WorkflowError, move
from procurement.models import Match, Need, Offer, PurchaseItem, Topic
from procurement.services.needs import org_members

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


def _eligible_organizations():
    """Active organizations.

    TODO(registry): uses registry.selectors.eligible_contractors() once it exists.
    """
    from registry.models import Organization

    try:
        from registry.selectors import eligible_contractors  # type: ignore[attr-defined]
    except ImportError:
        return Organization.objects.filter(status="active")
    return eligible_contractors()


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
        _eligible_organizations()
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


@transaction.atomic
def confirm_match(
    *,
    topic_id: int,
    organization_id: int,
    by: User,
    offer_id: int | None = None,
    purchase_item_id: int | None = None,
) -> Match:
    """Staff confirm a candidate: the topic's open needs are assigned to the organization."""
    topic = Topic.objects.select_for_update().select_related("area", "category").get(pk=topic_id)
    require(by, "procurement.edit_topic", topic)
    if topic.state == Topic.State.MERGED:
        raise WorkflowError("topic_merged", _("This topic was merged into another one."))
    candidates = {c.organization.pk: c for c in offer_candidates(topic, limit=200)}
    cand = candidates.get(int(organization_id))
    if cand is None:
        raise WorkflowError(
            "not_a_candidate",
            _("This organization is not a candidate for the topic."),
            fields={"organization": [_("Not a candidate.")]},
        )
    if offer_id and (cand.offer is None or cand.offer.pk != int(offer_id)):
        offer = Offer.objects.filter(
            pk=offer_id, organization_id=organization_id, state=Offer.State.ACTIVE
        ).first()
        if offer is None:
            raise WorkflowError("offer_unavailable", _("This offer is not active."))
    else:
        offer = cand.offer
    if Match.objects.filter(topic=topic, organization_id=organization_id).exists():
        raise WorkflowError(
            "already_matched", _("This organization is already matched to the topic.")
        )
    item = (
        PurchaseItem.objects.filter(pk=purchase_item_id, topic=topic).first()
        if purchase_item_id
        else None
    )
    match = Match.objects.create(
        topic=topic,
        purchase_item=item,
        organization=cand.organization,
        offer=offer,
        score=Decimal(str(cand.score)),
        reasons=cand.reasons,
        confirmed_by=by,
    )
    now = timezone.now()
    needs = list(
        Need.objects.select_for_update().filter(
            topic=topic, state__in=("received", "accepted", "assigned")
        )
    )
    for need in needs:
        if need.state == Need.State.RECEIVED:
            move(need, Need.FLOW["accept"], by=by, note=_("accepted with the topic's match"))
            need.responded_at = now
        move(
            need,
            Need.FLOW["assign"],
            by=by,
            note=_("matched to %(org)s") % {"org": cand.organization.name},
        )
        need.assigned_org = cand.organization
        need.save(update_fields=["state", "assigned_org", "responded_at", "updated_at"])
        if need.submitter_id:
            notify(
                recipients=[need.submitter],
                kind="procurement.need",
                title=_("%(org)s will take care of your need %(code)s")
                % {"org": cand.organization.name, "code": need.tracking_code},
                url=f"/needs/track/{need.tracking_code}/",
            )
    Topic.objects.filter(pk=topic.pk).update(state=Topic.State.MATCHED, changed_at=now)
    if item is not None:
        PurchaseItem.objects.filter(pk=item.pk).update(state=PurchaseItem.State.MATCHED)
    notify(
        recipients=org_members(cand.organization),
        kind="procurement.match",
        title=_("You were matched to “%(topic)s” (%(n)d needs)")
        % {"topic": topic.title, "n": len(needs)},
        url="/needs/assigned/",
    )
    return match


def recent_cutoff(days: int = 365) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
