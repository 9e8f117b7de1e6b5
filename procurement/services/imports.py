"""Bulk import of 12345 hotline exports (xlsx/csv).

The hotline's ticket number is the natural key (channel + external_ref): a
re-import creates nothing new. Every bad row is reported with its row number
and reason; good rows are kept.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.models import Area, Category, User
from procurement.models import Need
from procurement.services.needs import submit_need

# Column headings of the 12345 export (Chinese) and the English ones we also accept.
COLUMNS = {
    "external_ref": ("工单编号", "ticket"),
    "received": ("来电时间", "received"),
    "community": ("社区", "community"),
    "category": ("类别", "category"),
    "title": ("标题", "title"),
    "text": ("诉求内容", "text"),
    "address": ("地址", "address"),
    "phone": ("联系电话", "phone"),
    "name": ("联系人", "name"),
}
REQUIRED = ("external_ref", "community", "category", "title", "text")


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _rows(upload) -> list[list]:
    name = (getattr(upload, "name", "") or "").lower()
    raw = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        return [list(r) for r in wb.active.iter_rows(values_only=True)]
    text = raw.decode("utf-8-sig")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _when(value) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return timezone.make_aware(value) if timezone.is_naive(value) else value
    text = _cell(value)
    if not text:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
        try:
            return timezone.make_aware(datetime.datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise ValueError(text)


def import_hotline_file(*, upload, by: User | None) -> ImportResult:
    result = ImportResult()
    try:
        rows = _rows(upload)
    except Exception:  # a corrupt workbook or a wrong encoding: one clear reason
        result.errors.append((0, _("The file could not be read as xlsx or UTF-8 csv.")))
        return result
    if not rows:
        result.errors.append((0, _("The file is empty.")))
        return result
    header = [_cell(h) for h in rows[0]]
    index = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in index]
    if missing:
        result.errors.append((1, _("Missing columns: %(cols)s") % {"cols": "、".join(missing)}))
        return result
    communities = {a.code: a for a in Area.objects.filter(level=Area.Level.COMMUNITY)}
    by_name = {a.name: a for a in communities.values()}
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    cat_names = {c.name: c for c in categories.values()}
    refs = [_cell(r[index["external_ref"]]) for r in rows[1:] if len(r) > index["external_ref"]]
    existing = set(
        Need.objects.filter(channel=Need.Channel.HOTLINE_12345, external_ref__in=refs).values_list(
            "external_ref", flat=True
        )
    )
    for number, row in enumerate(rows[1:], start=2):

        def get(key, row=row):
            return _cell(row[index[key]]) if key in index and index[key] < len(row) else ""

        if not any(_cell(v) for v in row):
            continue
        ref = get("external_ref")
        if not ref:
            result.errors.append((number, _("工单编号 is empty.")))
            continue
        if ref in existing:
            result.skipped += 1
            continue
        community = communities.get(get("community")) or by_name.get(get("community"))
        if community is None:
            result.errors.append(
                (number, _("Unknown community “%(v)s”.") % {"v": get("community")})
            )
            continue
        category = categories.get(get("category")) or cat_names.get(get("category"))
        if category is None:
            result.errors.append((number, _("Unknown category “%(v)s”.") % {"v": get("category")}))
            continue
        try:
            received = _when(row[index["received"]]) if "received" in index else None
        except ValueError:
            result.errors.append((number, _("Unreadable date “%(v)s”.") % {"v": get("received")}))
            continue
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
                    by=by,
                )
        except ValidationError as exc:
            reasons = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            result.errors.append((number, reasons))
            continue
        except IntegrityError:
            result.skipped += 1
            continue
        existing.add(ref)
        result.created += 1
    return result
