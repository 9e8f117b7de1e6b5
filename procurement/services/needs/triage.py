"""Needs that arrive without a community (Open311 clients): locate them or queue them.

A GeoReport client knows where the problem is (coordinates, an address) but not our
division codes. `locate_community` places such a request from data the platform
holds:

- the address: the community whose name (without 社区居委会/村委会…) it contains, the
  longest name winning, a street name in the address settling a tie between
  communities of the same name in two streets;
- the coordinates: the communities of the needs filed within `NEAR_METRES` of the
  point (the majority of the nearest `NEAREST` of them).

When neither places it, the need is filed to the district (`community` = the district
area) — the district triage queue: district staff see it (their area contains it),
street and community staff do not, it is kept out of grouping, and a district clerk
places it with `locate_need`, after which it follows the usual path.
"""

import math
import re
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, Category, Transition, User
from huitian.validators import check_lengths, normalize_phone
from huitian.workflow import WorkflowError, record_creation
from procurement import refdata
from procurement.error_codes import ErrorCode
from procurement.models import Need
from procurement.services.needs.intake import (
    LIMITS,
    deadlines_for,
    kick_grouping,
    submit_need,
)

NEAR_METRES = 400
NEAREST = 7
_SUFFIX_RE = re.compile(
    r"(社区居民委员会|社区居委会|居民委员会|社区居委|村民委员会|村委会|居委会|社区)$"
)
_STREET_SUFFIX_RE = re.compile(r"(街道办事处|街道|地区办事处|地区|镇)$")


def district() -> Area:
    return Area.objects.get(code=settings.HUITIAN_DISTRICT_CODE)


def in_triage(need: Need) -> bool:
    return need.community.level != Area.Level.COMMUNITY


def _core(name: str, pattern) -> str:
    return pattern.sub("", name or "").strip()


def community_from_address(address: str) -> Area | None:
    text = re.sub(r"\s+", "", address or "")
    if not text:
        return None
    found: list[tuple[int, Area]] = []
    for area in refdata.communities().values():
        core = _core(area.name, _SUFFIX_RE)
        if len(core) >= 2 and core in text:
            found.append((len(core), area))
    if not found:
        return None
    longest = max(length for length, _a in found)
    best = [a for length, a in found if length == longest]
    if len(best) > 1:
        best = [a for a in best if a.parent and _core(a.parent.name, _STREET_SUFFIX_RE) in text]
    return best[0] if len(best) == 1 else None


def _metres(lat1, lng1, lat2, lng2) -> float:
    """Distance on the sphere (haversine); plenty for a few hundred metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def community_from_point(lat, lng) -> Area | None:
    if lat is None or lng is None:
        return None
    lat, lng = float(lat), float(lng)
    box = NEAR_METRES / 111_000  # degrees of latitude; longitude is narrower here
    rows = (
        Need.objects.filter(
            lat__range=(Decimal(str(lat - box)), Decimal(str(lat + box))),
            lng__range=(Decimal(str(lng - 1.4 * box)), Decimal(str(lng + 1.4 * box))),
            community__level=Area.Level.COMMUNITY,
            community__is_active=True,
        )
        .order_by("-created_at")
        .values_list("lat", "lng", "community_id")[:500]
    )
    near = sorted(
        (d, community_id)
        for row_lat, row_lng, community_id in rows
        if (d := _metres(lat, lng, float(row_lat), float(row_lng))) <= NEAR_METRES
    )[:NEAREST]
    if not near:
        return None
    (community_id, votes), *rest = Counter(c for _d, c in near).most_common()
    if rest and rest[0][1] == votes:  # a tie: the nearest decides
        community_id = near[0][1]
    return Area.objects.filter(pk=community_id).first()


def locate_community(*, lat=None, lng=None, address: str = "") -> Area | None:
    """The community a request without one most likely belongs to, or None."""
    return community_from_address(address) or community_from_point(lat, lng)


def submit_located(*, community: Area | None, lat=None, lng=None, address: str = "", **need):
    """File a need where it belongs: its community, the one its place names, or triage."""
    community = community or locate_community(lat=lat, lng=lng, address=address)
    if community is not None:
        return submit_need(community=community, lat=lat, lng=lng, address=address, **need)
    return _submit_to_triage(lat=lat, lng=lng, address=address, **need)


def _submit_to_triage(
    *,
    channel: str,
    category: Category,
    title: str,
    text: str,
    submitter: User | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    address: str = "",
    lat=None,
    lng=None,
    by: User | None = None,
) -> Need:
    """The intake's rules (lengths, active category, deadlines), filed to the district."""
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    check_lengths(
        title=(title.strip(), LIMITS["title"]),
        text=(text.strip(), LIMITS["text"]),
        address=(address.strip(), LIMITS["address"]),
        contact_name=(contact_name.strip(), LIMITS["contact_name"]),
        contact_phone=(contact_phone.strip(), LIMITS["contact_phone"]),
    )
    now = timezone.now()
    response_days, resolution_days = deadlines_for(category)
    cal = refdata.calendar()
    day = timezone.localtime(now).date()
    need = Need(
        channel=channel,
        community=district(),
        category=category,
        title=title.strip(),
        text=text.strip(),
        submitter=submitter if getattr(submitter, "pk", None) else None,
        contact_name="" if anonymous else contact_name.strip(),
        contact_phone=normalize_phone(contact_phone) if contact_phone else "",
        anonymous=anonymous,
        address=address.strip(),
        lat=lat,
        lng=lng,
        created_at=now,
        response_due=cal.add_working_days(day, response_days),
        resolution_due=cal.add_working_days(day, resolution_days),
        grouped_at=now,  # kept out of grouping until it has a community
    )
    need.clean_fields(exclude=["tracking_code", "topic", "submitter", "community", "category"])
    with transaction.atomic():
        need.save()
        record_creation(need, by=by or need.submitter, state=need.state)
    return need


def triage_queue(user):
    """Needs waiting in the district triage queue that `user` may place."""
    from huitian.access import visible

    return (
        visible(user, Need.objects.all())
        .exclude(community__level=Area.Level.COMMUNITY)
        .select_related("community", "category")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def locate_need(*, need_id: int, community: Area, by: User, note: str = "") -> Need:
    """A district clerk places a need from the triage queue in its community."""
    check_lengths(note=(note, LIMITS["note"]))
    need = Need.objects.select_for_update().select_related("community").get(pk=need_id)
    require(by, "procurement.handle_need", need)
    if not in_triage(need):
        raise WorkflowError(
            ErrorCode.NOT_IN_TRIAGE,
            _("This need already has its community."),
            fields={"community": [_("This need already has its community.")]},
        )
    if (
        community is None
        or community.level != Area.Level.COMMUNITY
        or not community.is_active
        or not need.community.contains(community)
    ):
        raise ValidationError({"community": _("Choose an active community.")})
    need.community = community
    need.grouped_at = None  # now it can be grouped with its neighbours
    need.tokens = ""
    need._history_user = by
    need.save(update_fields=["community", "grouped_at", "tokens", "updated_at"])
    Transition.objects.create(
        content_type_id=_need_type_id(),
        object_id=need.pk,
        step="locate",
        from_state=need.state,
        to_state=need.state,
        by=by,
        note=note,
    )
    transaction.on_commit(kick_grouping)
    return need


def _need_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Need).pk
