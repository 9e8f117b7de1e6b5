"""Needs intake (P1): a need is saved with its tracking code first, whatever the door;
the rules every door shares (contact or anonymous, lengths, photos) hold here."""

import datetime
import functools
import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record
from simple_history.utils import get_change_reason_from_object

from huitian.models import Area, Category, Transition, User
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
        if connection.vendor == "postgresql":
            need.skip_history_when_saving = True  # written below, with the transition
            try:
                need.save()
            finally:
                del need.skip_history_when_saving
            for photo in photos:
                NeedPhoto.objects.create(need=need, image=photo)
            _record_history_and_creation(need, by=by or need.submitter)
        else:
            need.save()
            for photo in photos:
                NeedPhoto.objects.create(need=need, image=photo)
            record_creation(need, by=by or need.submitter, state=need.state)
        transaction.on_commit(kick_grouping)
    return need


@functools.cache
def _historical_need():
    # `Need.history` builds a manager class on every access (django-simple-history's
    # descriptor): a fifth of a millisecond per submission for a constant.
    return Need.history.model


def _record_history_and_creation(need: Need, *, by) -> None:
    """The need's history row (as django-simple-history writes it on save: same fields,
    user, reason and signals) and its first transition (as `record_creation` writes it),
    INSERTed in one round trip instead of two."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):  # as simple-history's post_save
        record_creation(need, by=by, state=need.state)
        return
    history_model = _historical_need()
    try:
        user = need._history_user
    except AttributeError:  # simple-history's own rule: the request's signed-in user
        request = getattr(HistoricalRecords.context, "request", None)
        user = request.user if request is not None and request.user.is_authenticated else None
    when = getattr(need, "_history_date", timezone.now())
    reason = get_change_reason_from_object(need)
    history = history_model(
        history_date=when,
        history_type="+",
        history_user=user,
        history_change_reason=reason,
        **{f.attname: getattr(need, f.attname) for f in history_model.tracked_fields},
    )
    signal = {"history_date": when, "history_user": user, "history_change_reason": reason}
    pre_create_historical_record.send(
        sender=history_model, instance=need, history_instance=history, using=None, **signal
    )
    transition = Transition(
        content_type=ContentType.objects.get_for_model(Need),
        object_id=need.pk,
        step="create",
        from_state="",
        to_state=need.state,
        by=by if getattr(by, "pk", None) else None,
        note="",
    )
    insert_together(history, transition)
    post_create_historical_record.send(
        sender=history_model, instance=need, history_instance=history, using=None, **signal
    )


def insert_together(first: models.Model, second: models.Model) -> None:
    """INSERT two new rows in ONE statement (PostgreSQL): the first in a data-modifying
    CTE, the second after it; both get their primary keys as `save()` would set them."""
    (head, head_fields), (tail, tail_fields) = _insert_sql(type(first)), _insert_sql(type(second))
    pk = connection.ops.quote_name(first._meta.pk.column)
    with connection.cursor() as cur:
        cur.execute(
            f"WITH first AS ({head}) {tail}, (SELECT {pk} FROM first)",
            _insert_params(first, head_fields) + _insert_params(second, tail_fields),
        )
        second.pk, first.pk = cur.fetchone()
    for obj in (first, second):
        obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS


@functools.cache
def _insert_sql(model: type[models.Model]) -> tuple[str, list]:
    """`INSERT … VALUES (%s, …) RETURNING pk` for `model`, compiled once per process (the
    SQL never changes; compiling it was a third of a submission's Python)."""
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    compiler.returning_fields = [meta.pk]
    [(sql, _params)] = compiler.as_sql()
    return sql, fields


def _insert_params(obj: models.Model, fields: list) -> list:
    # What SQLInsertCompiler does per value: the field's pre_save (defaults, auto_now),
    # then its database form.
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


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
