"""Bulk import of 12345 hotline exports (xlsx/csv), as a resumable job.

`start_need_import` stores the upload as a `NeedImport` and enqueues the job
after commit; the request returns at once. `run_need_import` works through the
stored file in batches: each batch's needs, refused rows and the `rows_done`
counter commit together, so a job that dies mid-batch resumes from the last
committed row. The hotline's ticket number is the natural key (channel +
external_ref): a row whose ticket is already imported is skipped, so re-running
a row creates nothing. If the broker is down, the sweeper `procurement.need_imports`
(procurement/sweeps.py) picks up imports whose progress has stalled.

Every refused row is recorded with its row number and reason; the good rows are
kept. Rows outside the importer's areas are refused and claim no ticket number
(district staff import for any community; street and community staff for their own).
"""

import csv
import datetime
import itertools
import time
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import Forbidden, staff_areas, staff_in
from huitian.models import Area, Category, User
from huitian.sweep import enqueue_on_commit, send_task
from huitian.workflow import move, save_new
from procurement.error_codes import ErrorCode
from procurement.models import Need, NeedImport, NeedImportError
from procurement.rules import HANDLERS
from procurement.services.hotline_files import (
    COLUMNS,
    FileUnreadable,
    cell,
    header_index,
    parse_when,
    read_rows,
)
from procurement.services.needs import submit_need

# Column → the need's field whose length limit applies.
LIMITED = {
    "external_ref": "external_ref",
    "title": "title",
    "text": "text",
    "address": "address",
    "name": "contact_name",
}
SUFFIXES = (".csv", ".xlsx")
MAX_FILE_BYTES = 20 * 1024 * 1024
BATCH_ROWS = 500
# One task run stays well below the broker's visibility timeout, then hands on.
TIME_BUDGET_SECONDS = 120
# An unfinished import with no progress for this long is resumed by the sweeper.
STALLED_AFTER = datetime.timedelta(minutes=2)


@dataclass
class _Context:
    by: User
    index: dict[str, int]
    communities: dict[str, Area]
    community_names: dict[str, Area]
    categories: dict[str, Category]
    category_names: dict[str, Category]
    allowed: dict[int, bool] = field(default_factory=dict)

    def may_import_into(self, community: Area) -> bool:
        if community.pk not in self.allowed:
            self.allowed[community.pk] = self.by.is_superuser or staff_in(
                self.by, community, HANDLERS
            )
        return self.allowed[community.pk]


# --- Starting ---------------------------------------------------------------------
def may_import(user: User) -> bool:
    return user.is_superuser or bool(staff_areas(user, for_write=True, roles=HANDLERS))


def start_need_import(*, upload, by: User) -> NeedImport:
    """Store the file and enqueue its import; the request returns at once."""
    if not may_import(by):
        raise Forbidden(
            _("Only staff who handle needs can import 12345 exports."),
            code=ErrorCode.PERMISSION_DENIED,
        )
    name = (getattr(upload, "name", "") or "").strip()
    if not name.lower().endswith(SUFFIXES):
        raise ValidationError({"file": _("Upload the export as an .xlsx or .csv file.")})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES >> 20}}
        )
    areas = staff_areas(by, for_write=True, roles=HANDLERS)
    with transaction.atomic():
        job = NeedImport(
            original_name=name[-200:],
            created_by=by,
            area_id=areas[0][0] if areas and not by.is_superuser else None,
        )
        job.file.save(name[-60:], upload, save=False)
        save_new(job, by=by, step="upload")
        from procurement.tasks import run_need_import as task

        enqueue_on_commit(task, job.pk)
    return job


# --- Reading the file -------------------------------------------------------------
def _context(job: NeedImport, index) -> _Context:
    communities = {a.code: a for a in Area.objects.filter(level=Area.Level.COMMUNITY)}
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    return _Context(
        by=job.created_by,
        index=index,
        communities=communities,
        community_names={a.name: a for a in communities.values()},
        categories=categories,
        category_names={c.name: c for c in categories.values()},
    )


# --- One row ----------------------------------------------------------------------
CREATED, SKIPPED = "created", "skipped"


def _import_row(ctx: _Context, row: list, existing: set[str]) -> str:
    """CREATED, SKIPPED or the reason the row is refused."""

    def get(key):
        i = ctx.index.get(key)
        return cell(row[i]) if i is not None and i < len(row) else ""

    ref = get("external_ref")
    if not ref:
        return _("工单编号 is empty.")
    community = ctx.communities.get(get("community")) or ctx.community_names.get(get("community"))
    if community is None:
        return _("Unknown community “%(v)s”.") % {"v": get("community")[:60]}
    if not ctx.may_import_into(community):
        return _("Community “%(v)s” is outside your areas; the row was not imported.") % {
            "v": community.name
        }
    if ref in existing:
        return SKIPPED
    category = ctx.categories.get(get("category")) or ctx.category_names.get(get("category"))
    if category is None:
        return _("Unknown category “%(v)s”.") % {"v": get("category")[:60]}
    raw_when = row[ctx.index["received"]] if ctx.index.get("received", 99999) < len(row) else None
    try:
        received = parse_when(raw_when)
    except OverflowError:
        return _("Date “%(v)s” is out of range (from 2000 to today).") % {"v": cell(raw_when)[:40]}
    except ValueError:
        return _("Unreadable date “%(v)s”.") % {"v": cell(raw_when)[:40]}
    for key, field_name in LIMITED.items():
        limit = Need._meta.get_field(field_name).max_length
        if len(get(key)) > limit:
            return _("%(col)s is longer than %(n)d characters.") % {
                "col": COLUMNS[key][0],
                "n": limit,
            }
    try:
        with transaction.atomic():
            submit_need(
                channel=Need.Channel.HOTLINE_12345,
                community=community,
                category=category,
                title=get("title"),
                text=get("text"),
                address=get("address"),
                contact_phone=get("phone"),
                contact_name=get("name"),
                external_ref=ref,
                created_at=received,
                by=ctx.by,
            )
    except ValidationError as exc:
        return _refusal_in_words(exc)
    except IntegrityError:
        return SKIPPED
    except (OverflowError, ValueError):  # the working-day calendar ran off its years
        return _("Date “%(v)s” is out of range (from 2000 to today).") % {"v": cell(raw_when)[:40]}
    existing.add(ref)
    return CREATED


# --- The job ----------------------------------------------------------------------
def _fail(job_id: int, reason: str, *, row: int = 0) -> None:
    with transaction.atomic():
        job = NeedImport.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return
        NeedImportError.objects.bulk_create(
            [NeedImportError(need_import=job, row=row, reason=reason)], ignore_conflicts=True
        )
        job.failure, job.finished_at = reason, timezone.now()
        job.error_count = job.errors.count()
        move(
            job,
            NeedImport.FLOW["fail"],
            by=None,
            note=reason,
            also=["failure", "finished_at", "error_count"],
        )


def _lock(job_id: int) -> NeedImport | None:
    """The running import, locked for one batch; None if another worker holds it."""
    qs = NeedImport.objects.filter(pk=job_id, state=NeedImport.State.RUNNING)
    skip = connection.features.has_select_for_update_skip_locked
    return qs.select_for_update(skip_locked=skip, of=("self",)).select_related("created_by").first()


def run_need_import(
    *, import_id: int, max_rows: int | None = None, time_budget: float = TIME_BUDGET_SECONDS
) -> NeedImport:
    """Work through an import from where it stopped. Idempotent; safe to run twice at once.

    Stops after `max_rows` rows or `time_budget` seconds (then enqueues itself again).
    """
    job = NeedImport.objects.get(pk=import_id)
    if job.is_finished:
        return job
    if job.state == NeedImport.State.PENDING:
        with transaction.atomic():
            job = NeedImport.objects.select_for_update().get(pk=import_id)
            if job.state == NeedImport.State.PENDING:
                job.heartbeat_at = timezone.now()
                move(job, NeedImport.FLOW["start"], by=None, also=["heartbeat_at"])
    try:
        rows = read_rows(job.file, job.original_name)
        header = next(rows, None)
        if header is None:
            raise FileUnreadable(_("The file is empty."))
        index = header_index(header)
    except FileUnreadable as exc:
        _fail(import_id, str(exc), row=exc.row)
        return NeedImport.objects.get(pk=import_id)
    except (csv.Error, ValueError, KeyError, OSError):  # a broken file is the file's fault
        _fail(import_id, _("The file could not be read as xlsx or UTF-8 csv."))
        return NeedImport.objects.get(pk=import_id)
    if job.rows_total is None:
        total = sum(1 for _row in read_rows(job.file, job.original_name)) - 1
        NeedImport.objects.filter(pk=import_id, rows_total__isnull=True).update(
            rows_total=max(total, 0)
        )
    ctx = _context(job, index)
    position = job.rows_done
    rows = itertools.islice(rows, position, None)
    started, budget_rows = time.monotonic(), max_rows
    while True:
        size = BATCH_ROWS if budget_rows is None else min(BATCH_ROWS, budget_rows)
        try:
            batch = list(itertools.islice(rows, size)) if size > 0 else []
        except (csv.Error, ValueError) as exc:  # e.g. a NUL byte: the rest cannot be read
            _fail(
                import_id,
                _("The file cannot be read past row %(n)d (%(why)s).")
                % {"n": position + 1, "why": exc},
                row=position + 2,
            )
            return NeedImport.objects.get(pk=import_id)
        with transaction.atomic():
            locked = _lock(import_id)
            if locked is None or locked.rows_done != position:
                return NeedImport.objects.get(pk=import_id)  # another worker carries on
            if batch:
                _import_batch(locked, ctx, batch, first_row=position + 2)
                position += len(batch)
            if not batch or (locked.rows_total is not None and position >= locked.rows_total):
                locked.finished_at = timezone.now()
                move(locked, NeedImport.FLOW["finish"], by=None, also=["finished_at"])
                return locked
        if budget_rows is not None:
            budget_rows -= len(batch)
            if budget_rows <= 0:
                return NeedImport.objects.get(pk=import_id)
        if time.monotonic() - started > time_budget:
            from procurement.tasks import run_need_import as task

            send_task(task, import_id)
            return NeedImport.objects.get(pk=import_id)


def _import_batch(job: NeedImport, ctx: _Context, batch: list, *, first_row: int) -> None:
    index = ctx.index["external_ref"]
    refs = {cell(r[index]) for r in batch if index < len(r)}
    existing = set(
        Need.objects.filter(channel=Need.Channel.HOTLINE_12345, external_ref__in=refs)
        .values_list("external_ref", flat=True)
        .order_by()
    )
    created = skipped = 0
    refused = []
    for number, row in enumerate(batch, start=first_row):
        if not any(cell(v) for v in row):
            continue
        outcome = _import_row(ctx, row, existing)
        if outcome == CREATED:
            created += 1
        elif outcome == SKIPPED:
            skipped += 1
        else:
            refused.append(NeedImportError(need_import=job, row=number, reason=outcome))
    NeedImportError.objects.bulk_create(refused, ignore_conflicts=True)
    job.rows_done += len(batch)
    job.created_count += created
    job.skipped_count += skipped
    job.error_count += len(refused)
    job.heartbeat_at = timezone.now()
    job.save(
        update_fields=[
            "rows_done",
            "created_count",
            "skipped_count",
            "error_count",
            "heartbeat_at",
        ]
    )


def resume_stalled_imports(batch_size: int) -> int:
    """The sweeper: imports with no progress for a while (lost message, dead worker).

    Works one bounded batch of the oldest such import here, so progress never
    depends on the broker, and asks a worker to carry on at full speed.
    """
    cutoff = timezone.now() - STALLED_AFTER
    stalled = (
        NeedImport.objects.filter(state__in=[NeedImport.State.PENDING, NeedImport.State.RUNNING])
        .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if stalled is None:
        return 0
    before = NeedImport.objects.get(pk=stalled).rows_done
    job = run_need_import(import_id=stalled, max_rows=batch_size)
    if not job.is_finished:
        from procurement.tasks import run_need_import as task

        send_task(task, stalled)
    return max(job.rows_done - before, 1)


def _refusal_in_words(exc: ValidationError) -> str:
    """A refused row's reasons as a clerk reads them: the column's name (标题, 内容), never
    the field key ("text:"); a reason about the whole row has no prefix."""
    parts = []
    for key, messages in exc.message_dict.items():
        text = " ".join(messages)
        try:
            label = str(Need._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            label = ""
        parts.append(f"{label}：{text}" if label and key != NON_FIELD_ERRORS else text)
    return "；".join(parts)
