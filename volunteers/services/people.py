"""Registering volunteers, teams and memberships (V1)."""

import hmac
from hashlib import sha256

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables
from stdnum.cn import ric

from huitian.access import Forbidden, require
from huitian.models import Area, User
from huitian.validators import check_lengths, normalize_phone, validate_id_number, validate_phone
from huitian.workflow import WorkflowError
from volunteers.error_codes import ErrorCode
from volunteers.models import DutyKind, Membership, Team, Volunteer
from volunteers.models import people as limits


def id_number_digest(id_number: str) -> str:
    """A keyed hash of the normalized ID number: equal numbers, equal digests; no way back."""
    key = getattr(settings, "VOLUNTEER_ID_NUMBER_KEY", "") or settings.SECRET_KEY
    raw = (id_number or "").strip().upper()
    return hmac.new(f"volunteers.id:{key}".encode(), raw.encode(), sha256).hexdigest()


def _check_community(community: Area, field: str = "community") -> None:
    if community is None or community.level != Area.Level.COMMUNITY or not community.is_active:
        raise ValidationError({field: _("Choose an active community.")})


@sensitive_variables("id_number", "raw")  # never in error reports
@transaction.atomic
def register_volunteer(
    *,
    by: User,
    real_name: str,
    id_number: str,
    phone: str,
    community: Area,
    skills: str = "",
    availability: str = "",
) -> Volunteer:
    """The signed-in resident registers as a volunteer under their real identity."""
    if not getattr(by, "is_authenticated", False):
        raise Forbidden(_("Sign in to register as a volunteer."), code=ErrorCode.PERMISSION_DENIED)
    real_name = (real_name or "").strip()
    check_lengths(
        real_name=(real_name, limits.NAME_MAX),
        skills=(skills, limits.SKILLS_MAX),
        availability=(availability, limits.AVAILABILITY_MAX),
    )
    errors = {}
    if not real_name:
        errors["real_name"] = [_("Enter your real name as on your identity card.")]
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    try:
        validate_phone(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if errors:
        raise ValidationError(errors)
    _check_community(community)
    if Volunteer.objects.filter(user=by).exists():
        raise WorkflowError(
            ErrorCode.ALREADY_REGISTERED, _("You are already registered as a volunteer.")
        )
    raw = id_number.strip().upper()
    digest = id_number_digest(raw)
    taken = ValidationError(
        {
            "id_number": ValidationError(
                _("A volunteer with this identity card number is already registered."),
                code=ErrorCode.ID_NUMBER_TAKEN,
            )
        }
    )
    if Volunteer.objects.filter(id_number_digest=digest).exists():
        raise taken
    volunteer = Volunteer(
        user=by,
        real_name=real_name,
        id_number_digest=digest,
        id_last4=raw[-4:],
        birth_date=ric.get_birth_date(raw),
        phone=normalize_phone(phone),
        community=community,
        skills=skills.strip(),
        availability=availability.strip(),
    )
    volunteer._history_user = by
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError as exc:  # two registrations of one number at the same moment
        raise taken from exc
    return volunteer


@transaction.atomic
def create_team(
    *,
    by: User,
    name: str,
    kind: str,
    area: Area,
    organization=None,
    duty_kinds=(),
) -> Team:
    check_lengths(name=(name, limits.TEAM_NAME_MAX))
    team = Team(name=name.strip(), kind=kind, area=area, organization=organization)
    if kind == Team.Kind.ORGANIZATION and organization is None:
        raise ValidationError({"organization": _("An organization team needs its organization.")})
    if kind == Team.Kind.COMMUNITY:
        _check_community(area, "area")
    if kind == Team.Kind.DISTRICT and area.level != Area.Level.DISTRICT:
        raise ValidationError({"area": _("The district team belongs to the district.")})
    require(by, "volunteers.manage_team", team)
    team.full_clean()
    team._history_user = by
    team.save()
    if duty_kinds:
        team.duty_kinds.set(duty_kinds)
    return team


@transaction.atomic
def ensure_community_teams(*, by: User | None = None) -> int:
    """One 八大员 team per active community and the district professional team (idempotent)."""
    kinds = list(DutyKind.objects.filter(is_active=True))
    created = 0
    district = Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()
    if district and not Team.objects.filter(kind=Team.Kind.DISTRICT).exists():
        Team.objects.create(
            name=_("Huitian professional volunteer team"), kind=Team.Kind.DISTRICT, area=district
        )
        created += 1
    have = set(Team.objects.filter(kind=Team.Kind.COMMUNITY).values_list("area_id", flat=True))
    for community in Area.objects.filter(level=Area.Level.COMMUNITY, is_active=True):
        if community.pk in have:
            continue
        team = Team.objects.create(
            name=_("%(community)s volunteer team") % {"community": community.name},
            kind=Team.Kind.COMMUNITY,
            area=community,
        )
        team.duty_kinds.set(kinds)
        created += 1
    return created


@transaction.atomic
def join_team(*, team_id: int, by: User, volunteer_id: int | None = None) -> Membership:
    """A volunteer joins a team (themselves, or added by whoever manages the team)."""
    team = Team.objects.select_for_update().get(pk=team_id)
    if volunteer_id is None:
        volunteer = Volunteer.objects.filter(user=by).first()
        if volunteer is None:
            raise WorkflowError(
                ErrorCode.NOT_A_VOLUNTEER, _("Register as a volunteer before joining a team.")
            )
    else:
        volunteer = Volunteer.objects.get(pk=volunteer_id)
        if volunteer.user_id != by.pk:
            require(by, "volunteers.manage_team", team)
    if Membership.objects.filter(team=team, volunteer=volunteer, left_at__isnull=True).exists():
        raise WorkflowError(ErrorCode.ALREADY_MEMBER, _("Already a member of this team."))
    membership = Membership(team=team, volunteer=volunteer)
    membership._history_user = by
    membership.save()
    return membership


@transaction.atomic
def leave_team(*, membership_id: int, by: User) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("team", "volunteer")
        .get(pk=membership_id)
    )
    if membership.volunteer.user_id != by.pk:
        require(by, "volunteers.manage_team", membership.team)
    if membership.left_at is not None:
        raise WorkflowError(ErrorCode.NOT_A_MEMBER, _("This membership has already ended."))
    membership.left_at = timezone.now()
    membership._history_user = by
    membership.save(update_fields=["left_at"])
    return membership


@transaction.atomic
def appoint_leader(*, membership_id: int, by: User, leader: bool = True) -> Membership:
    membership = Membership.objects.select_for_update().select_related("team").get(pk=membership_id)
    require(by, "volunteers.manage_team", membership.team)
    if membership.left_at is not None:
        raise WorkflowError(ErrorCode.NOT_A_MEMBER, _("This membership has already ended."))
    membership.role = Membership.Role.LEADER if leader else Membership.Role.MEMBER
    membership._history_user = by
    membership.save(update_fields=["role"])
    return membership
