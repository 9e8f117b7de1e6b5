"""Needs intake (P1): a need is saved with its tracking code first, whatever the door;
the rules every door shares (contact or anonymous, lengths, photos) hold here."""

import datetime
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.models import Area, Category, User
from huitian.sweep import send_task
from huitian.uploads import validate_photo
from huitian.validators import check_lengths, normalize_phone
from huitian.workflow import record_creation
from procurement import refdata
from procurement.models import Need, NeedPhoto, limits
from procurement.models.needs import TEXT_LIMIT, TITLE_LIMIT

MAX_PHOTOS = 6
# What a person may write into each stored text (the text column is unbounded in the
# database, so the service is where the limit holds for every door).
LIMITS = {
    "title": TITLE_LIMIT,
    "text": TEXT_LIMIT,
    "address": 200,
    "contact_name": 60,
    "contact_phone": 20,
    "note": 1000,
    "comment": limits.NEED_COMMENT,
}

# The app-facing channels (the API's `channel` choices).
APP_CHANNELS = (
    Need.Channel.API,
    Need.Channel.CHANGPING_APP,
    Need.Channel.HUITIAN_PLATFORM,
    Need.Channel.HLG_NET,
    Need.Channel.TTY_NET,
)
# Doors where residents write for themselves: they leave a phone number or say they are
# anonymous. The 12345 hotline and staff reports carry the caller's record elsewhere.
RESIDENT_CHANNELS = frozenset({Need.Channel.WEB_FORM, *APP_CHANNELS})


def default_deadlines() -> tuple[int, int]:
    return (
        getattr(settings, "PROCUREMENT_RESPONSE_DAYS", 1),
        getattr(settings, "PROCUREMENT_RESOLUTION_DAYS", 15),
    )


def deadlines_for(category: Category) -> tuple[int, int]:
    """(response, resolution) working days for a category, falling back to its group."""
    table = refdata.deadlines()
    return table.get(category.pk) or table.get(category.parent_id) or default_deadlines()


def validate_photos(photos) -> None:
    """At most MAX_PHOTOS pictures, each a real picture by its bytes (the kernel's check)."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(n)d photos.") % {"n": MAX_PHOTOS}}, code="too_many"
        )
    for photo in photos:
        try:
            validate_photo(photo)
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}) from exc


def submit_need(
    *,
    channel: str,
    community: Area,
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
    urgency: int = Need.Urgency.NORMAL,
    external_ref: str | None = None,
    photos=(),
    created_at: datetime.datetime | None = None,
    by: User | None = None,
) -> Need:
    """Save a need and its tracking code first; grouping and notices follow after commit.

    Nothing that can fail later (jieba, Celery, notifications) runs before the row
    is committed: `grouped_at IS NULL` is the queue the sweep works from.

    On every resident channel (web form, app, API, Open311) the resident leaves a
    phone number or says they are anonymous: a door that does not pass `anonymous`
    asks for a phone number. The 12345 hotline and staff reports are exempt (the
    caller's record is kept elsewhere).
    """
    if community.level != Area.Level.COMMUNITY or not community.is_active:
        raise ValidationError({"community": _("Choose an active community.")})
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    check_lengths(
        **{
            name: (value.strip(), LIMITS[name])
            for name, value in {
                "title": title,
                "text": text,
                "address": address,
                "contact_name": contact_name,
                "contact_phone": contact_phone,
            }.items()
        }
    )
    if not anonymous and channel in RESIDENT_CHANNELS and not contact_phone.strip():
        raise ValidationError(
            {
                "contact_phone": ValidationError(
                    _("Leave a phone number, or submit anonymously."), code="contact_required"
                )
            }
        )
    photos = list(photos or [])
    validate_photos(photos)
    received = created_at or timezone.now()
    response_days, resolution_days = deadlines_for(category)
    cal = refdata.calendar()
    day = timezone.localtime(received).date()
    need = Need(
        channel=channel,
        community=community,
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
        urgency=urgency,
        external_ref=external_ref or None,
        created_at=received,
        response_due=cal.add_working_days(day, response_days),
        resolution_due=cal.add_working_days(day, resolution_days),
    )
    # Field validators only: the foreign keys were resolved above and the database
    # enforces the constraints (a re-imported external reference raises IntegrityError).
    need.clean_fields(exclude=["tracking_code", "topic", "submitter", "community", "category"])
    with transaction.atomic():
        need.save()
        for photo in photos:
            NeedPhoto.objects.create(need=need, image=photo)
        record_creation(need, by=by or need.submitter, state=need.state)
        transaction.on_commit(kick_grouping)
    return need


_last_kick = 0.0
KICK_INTERVAL = 2.0  # seconds


def kick_grouping() -> None:
    """Ask a worker to group pending needs now, at most once every KICK_INTERVAL per process.

    One message per burst instead of one per need: publishing costs more than the
    rest of a submission, and the worker groups a batch better than one need at a
    time. The row stays the queue (`grouped_at IS NULL`): if this message is
    skipped or lost, the minute sweep groups the need.
    """
    global _last_kick
    now = time.monotonic()
    if now - _last_kick < KICK_INTERVAL:
        return
    _last_kick = now
    from procurement.tasks import group_pending_needs

    send_task(group_pending_needs)
