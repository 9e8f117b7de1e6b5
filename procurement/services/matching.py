"""Matching (P4): staff confirm one of the ranked candidates for a topic.

The ranking itself is a read: `procurement.selectors.offer_candidates`.
"""

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import User
from huitian.selectors import organization_members
from huitian.services import notify
from huitian.workflow import WorkflowError, move
from procurement.error_codes import ErrorCode
from procurement.models import Match, Need, Offer, PurchaseItem, Topic
from procurement.selectors import offer_candidates
from procurement.services.needs import track_url
from procurement.services.topics import mark_topic_matched

__all__ = ["confirm_match"]


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
        raise WorkflowError(ErrorCode.TOPIC_MERGED, _("This topic was merged into another one."))
    candidates = {c.organization.pk: c for c in offer_candidates(topic, limit=200)}
    cand = candidates.get(int(organization_id))
    if cand is None:
        raise WorkflowError(
            ErrorCode.NOT_A_CANDIDATE,
            _("This organization is not a candidate for the topic."),
            fields={"organization": [_("Not a candidate.")]},
        )
    if offer_id and (cand.offer is None or cand.offer.pk != int(offer_id)):
        offer = Offer.objects.filter(
            pk=offer_id, organization_id=organization_id, state=Offer.State.ACTIVE
        ).first()
        if offer is None:
            raise WorkflowError(ErrorCode.OFFER_UNAVAILABLE, _("This offer is not active."))
    else:
        offer = cand.offer
    if Match.objects.filter(topic=topic, organization_id=organization_id).exists():
        raise WorkflowError(
            ErrorCode.ALREADY_MATCHED, _("This organization is already matched to the topic.")
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
            topic=topic, state__in=(Need.State.RECEIVED, Need.State.ACCEPTED, Need.State.ASSIGNED)
        )
    )
    for need in needs:
        if need.state == Need.State.RECEIVED:
            need.responded_at = now
            move(
                need,
                Need.FLOW["accept"],
                by=by,
                note=_("accepted with the topic's match"),
                also=["responded_at"],
            )
        need.assigned_org = cand.organization
        move(
            need,
            Need.FLOW["assign"],
            by=by,
            note=_("matched to %(org)s") % {"org": cand.organization.name},
            also=["assigned_org"],
        )
        if need.submitter_id:
            notify(
                recipients=[need.submitter],
                kind="procurement.need",
                title=_("%(org)s will take care of your need %(code)s")
                % {"org": cand.organization.name, "code": need.tracking_code},
                url=track_url(need),
            )
    mark_topic_matched(
        topic_id=topic.pk,
        by=by,
        purchase_item_id=item.pk if item is not None else None,
        note=_("matched to %(org)s") % {"org": cand.organization.name},
    )
    notify(
        recipients=organization_members(cand.organization),
        kind="procurement.match",
        title=_("You were matched to “%(topic)s” (%(n)d needs)")
        % {"topic": topic.title, "n": len(needs)},
        url=reverse("procurement:assigned-needs"),
    )
    return match
