"""Community blows the whistle, organizations report (P5)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from credit import services as credit_services
from huitian.access import Forbidden, organization_ids, require, staff_areas
from huitian.models import Area, Category, User
from huitian.selectors import organization_members
from huitian.services import notify
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move, save_new
from procurement.error_codes import ErrorCode
from procurement.models import Offer, WhistleCall, WhistleResponse, limits
from procurement.rules import WHISTLE_RAISERS
from registry.selectors import eligible_contractors


def covering_organizations(community: Area, category: Category):
    """Active organizations whose offers or service areas cover the community."""
    covering = [community.pk, community.parent_id]
    if community.parent_id:
        covering.append(
            Area.objects.filter(pk=community.parent_id).values_list("parent_id", flat=True).first()
        )
    return (
        eligible_contractors()
        .filter(
            Q(offers__state=Offer.State.ACTIVE, offers__areas__in=covering)
            | Q(service_areas__in=covering)
        )
        .distinct()
    )


@transaction.atomic
def raise_whistle_call(
    *,
    by: User,
    community: Area,
    category: Category,
    problem: str,
    urgency: int,
    deadline: datetime.date,
) -> WhistleCall:
    if not by.has_perm("procurement.raise_whistle", community) and staff_areas(
        by, for_write=True, roles=WHISTLE_RAISERS
    ):
        # Staff who raise calls elsewhere chose a community outside their areas: a field
        # error beside the community (400), not a bare refusal. Everyone else: 403.
        raise ValidationError(
            {
                "community": ValidationError(
                    _("You can raise whistle calls only for communities in your own areas."),
                    code=ErrorCode.COMMUNITY_OUTSIDE,
                )
            }
        )
    require(by, "procurement.raise_whistle", community)
    check_lengths(problem=(problem, limits.WHISTLE_PROBLEM))
    if community.level != Area.Level.COMMUNITY or not community.is_active:
        raise ValidationError({"community": _("Choose an active community.")})
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    call = WhistleCall(
        community=community,
        category=category,
        problem=problem,
        urgency=urgency,
        deadline=deadline,
        raised_by=by,
    )
    call.full_clean()
    save_new(call, by=by, step="raise")
    orgs = list(covering_organizations(community, category))
    call.notified_orgs.set(orgs)
    members = []
    for org in orgs:
        members += organization_members(org)
    notify(
        recipients=members,
        kind="procurement.whistle",
        title=_("Whistle call from %(community)s: %(problem)s")
        % {"community": community.name, "problem": problem[:60]},
        url=reverse("procurement:whistle"),
    )
    return call


@transaction.atomic
def respond_to_call(
    *, call_id: int, organization_id: int, by: User, brings: str
) -> WhistleResponse:
    check_lengths(brings=(brings, limits.WHISTLE_BRINGS))
    call = WhistleCall.objects.select_for_update().get(pk=call_id)
    if int(organization_id) not in organization_ids(by):
        raise Forbidden(
            _("You can respond only for your own organization."), code=ErrorCode.PERMISSION_DENIED
        )
    if not call.notified_orgs.filter(pk=organization_id).exists():
        raise Forbidden(
            _("This call was not sent to your organization."), code=ErrorCode.PERMISSION_DENIED
        )
    if call.state != WhistleCall.State.OPEN:
        raise WorkflowError(ErrorCode.CALL_CLOSED, _("This call no longer takes responses."))
    if WhistleResponse.objects.filter(call=call, organization_id=organization_id).exists():
        raise WorkflowError(
            ErrorCode.ALREADY_RESPONDED, _("Your organization has already responded.")
        )
    now = timezone.now()
    response = WhistleResponse(
        call=call,
        organization_id=organization_id,
        brings=brings,
        responded_by=by,
        responded_at=now,
        response_minutes=max(0, int((now - call.raised_at).total_seconds() // 60)),
    )
    response.full_clean()
    response._history_user = by
    response.save()
    credit_services.record_credit_event(
        organization_id=response.organization_id,
        kind=credit_services.EventKind.WHISTLE_RESPONSE,
        summary=_("Responded to the whistle call of %(c)s") % {"c": call.community.name},
        source=response,
        by=by,
    )
    notify(
        recipients=[call.raised_by],
        kind="procurement.whistle_response",
        title=_("An organization reported to your whistle call"),
        url=reverse("procurement:whistle"),
    )
    return response


@transaction.atomic
def select_responders(*, call_id: int, response_ids: list[int], by: User) -> WhistleCall:
    call = (
        WhistleCall.objects.select_for_update(of=("self",))
        .select_related("community")
        .get(pk=call_id)
    )
    require(by, "procurement.select_responders", call)
    if call.state != WhistleCall.State.OPEN:
        raise WorkflowError(ErrorCode.CALL_CLOSED, _("Responders were already selected."))
    chosen = list(
        WhistleResponse.objects.select_for_update(of=("self",))
        .filter(call=call, pk__in=response_ids)
        .select_related("organization")
    )
    if not chosen:
        raise WorkflowError(
            ErrorCode.NO_RESPONDERS,
            _("Choose at least one response."),
            fields={"responses": [_("Required.")]},
        )
    for response in chosen:
        response.selected = True
    bulk_update_with_history(
        chosen, WhistleResponse, ["selected"], default_user=by, default_change_reason="select"
    )
    move(
        call,
        WhistleCall.FLOW["select"],
        by=by,
        note=_("Selected: %(orgs)s") % {"orgs": "、".join(r.organization.name for r in chosen)},
    )
    for response in chosen:
        notify(
            recipients=organization_members(response.organization),
            kind="procurement.whistle_selected",
            title=_("You were selected for the whistle call of %(c)s") % {"c": call.community.name},
            url=reverse("procurement:whistle"),
        )
    return call


@transaction.atomic
def close_whistle_call(*, call_id: int, by: User, note: str = "") -> WhistleCall:
    """Staff who may select responders close the call (with or without responders)."""
    call = WhistleCall.objects.select_for_update().get(pk=call_id)
    require(by, "procurement.select_responders", call)
    move(call, WhistleCall.FLOW["close"], by=by, note=note)
    return call


@transaction.atomic
def record_no_show(
    *, call_id: int, response_id: int, by: User, note: str = ""
) -> tuple[WhistleResponse, bool]:
    """A selected responder did not show up: recorded on the response and as a credit
    event, once. Reporting it again changes nothing and answers (response, False)."""
    check_lengths(note=(note, 100))
    call = WhistleCall.objects.select_related("community").get(pk=call_id)
    require(by, "procurement.select_responders", call)
    response = (
        WhistleResponse.objects.select_for_update(of=("self",))
        .select_related("organization")
        .filter(call=call, pk=response_id)
        .first()
    )
    if response is None or not response.selected:
        raise WorkflowError(
            ErrorCode.NOT_SELECTED,
            _("Only a responder selected for this call can be recorded as not showing up."),
            fields={"response": [_("Choose a selected responder.")]},
        )
    if response.no_show_at is not None:
        return response, False
    response.no_show_at = timezone.now()
    response.no_show_by = by
    response._history_user = by
    response.save(update_fields=["no_show_at", "no_show_by"])
    credit_services.record_credit_event(
        organization_id=response.organization_id,
        kind=credit_services.EventKind.WHISTLE_NO_SHOW,
        summary=_("Did not show up for the whistle call of %(c)s") % {"c": call.community.name}
        + (f": {note[:100]}" if note else ""),
        source=response,
        by=by,
    )
    return response, True
