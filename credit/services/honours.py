"""Honours (C6): staff nominate each year, the district selects; an organization's honour
is a credit event."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.error_codes import ErrorCode
from credit.models import CreditEvent, Nomination
from credit.services.events import record_credit_event
from huitian.access import require
from huitian.models import Area
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move, save_new
from registry.models import Organization

Kind = Nomination.Kind
HONOUR_EFFECT = 5


def nominate(
    *,
    by,
    year: int,
    kind: str,
    grounds: str,
    organization_id: int | None = None,
    community_id: int | None = None,
    project_name: str = "",
) -> Nomination:
    if kind not in Kind.values:
        raise ValidationError({"kind": [_("Choose an honour.")]})
    if not (grounds or "").strip():
        raise ValidationError({"grounds": [_("Say why the nominee deserves the honour.")]})
    check_lengths(
        grounds=(grounds, Nomination.GROUNDS_MAX_LENGTH), project_name=(project_name or "", 100)
    )
    this_year = timezone.localdate().year
    if not (this_year - 1 <= int(year) <= this_year):
        raise ValidationError({"year": [_("Nominate for this year or last year.")]})
    org = community = None
    if kind == Kind.EXCELLENT_COMMUNITY:
        community = Area.objects.filter(
            pk=community_id or 0, level=Area.Level.COMMUNITY, is_active=True
        ).first()
        if community is None:
            raise ValidationError({"community": [_("Choose a community.")]})
        area = community
    else:
        org = (
            Organization.objects.select_related("home_area")
            .filter(pk=organization_id or 0, status=Organization.Status.ACTIVE)
            .first()
        )
        if org is None:
            raise ValidationError({"organization": [_("Choose an active organization.")]})
        area = org.home_area
    if kind == Kind.BRAND_PROJECT and not (project_name or "").strip():
        raise ValidationError({"project_name": [_("Name the service project.")]})
    if kind != Kind.BRAND_PROJECT:
        project_name = ""
    require(by, "credit.nominate_honour", area)
    nomination = Nomination(
        year=int(year),
        kind=kind,
        organization=org,
        community=community,
        project_name=(project_name or "").strip(),
        grounds=grounds.strip(),
        area=area,
        nominated_by=by,
    )
    try:
        with transaction.atomic():
            save_new(nomination, by=by, step="nominate")
    except IntegrityError as exc:
        raise WorkflowError(
            ErrorCode.ALREADY_NOMINATED, _("This nominee is already nominated for this honour.")
        ) from exc
    return nomination


def decide_nomination(
    *,
    by,
    nomination_id: int,
    select: bool,
    reason: str = "",
    today: datetime.date | None = None,
) -> Nomination:
    """The district selects (an organization's honour becomes a credit event) or declines."""
    today = today or timezone.localdate()
    check_lengths(reason=(reason or "", 500))
    with transaction.atomic():
        nomination = get_object_or_404(
            Nomination.objects.select_for_update(of=("self",)).select_related(
                "organization", "community"
            ),
            pk=nomination_id,
        )
        require(by, "credit.select_honour")
        nomination.decided_on = today
        nomination.decision = (reason or "").strip()
        step = Nomination.FLOW["select" if select else "decline"]
        move(nomination, step, by=by, note=nomination.decision, also=["decided_on", "decision"])
        if select and nomination.organization_id:
            record_credit_event(
                organization_id=nomination.organization_id,
                kind=CreditEvent.Kind.HONOUR,
                occurred_on=today,
                effect=HONOUR_EFFECT,
                summary=_("%(year)s %(honour)s: %(nominee)s")
                % {
                    "year": nomination.year,
                    "honour": nomination.get_kind_display(),
                    "nominee": nomination.nominee,
                },
                source=nomination,
                by=by,
            )
    return nomination
