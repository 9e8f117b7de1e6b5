"""What a 12345 hotline export looks like: its columns, cells and dates, read from a file."""

import csv
import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _

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
EARLIEST = datetime.date(2000, 1, 1)


class FileUnreadable(Exception):
    """The file as a whole cannot be imported (corrupt, wrong encoding, no columns)."""

    def __init__(self, reason, row: int = 0):
        super().__init__(str(reason))
        self.row = row


def cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def read_rows(stored_file, name: str):
    """An iterator over the file's rows (lists of cells), the header first."""
    try:
        stored_file.open("rb")
        raw = stored_file.read()
    except OSError as exc:
        raise FileUnreadable(_("The stored file is missing.")) from exc
    finally:
        stored_file.close()
    try:
        if name.lower().endswith(".xlsx"):
            from openpyxl import load_workbook

            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
            return (list(r) for r in wb.active.iter_rows(values_only=True))
        text = raw.decode("utf-8-sig")
    except Exception as exc:  # a corrupt workbook or a wrong encoding: one clear reason
        raise FileUnreadable(_("The file could not be read as xlsx or UTF-8 csv.")) from exc
    # A 2,000-character text is far below this; a runaway cell fails its own row, not the file.
    csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))
    return csv.reader(io.StringIO(text, newline=""))


def header_index(header) -> dict[str, int]:
    header = [cell(h) for h in header]
    index = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                index[key] = i
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in index]
    if missing:
        raise FileUnreadable(_("Missing columns: %(cols)s") % {"cols": "、".join(missing)}, row=1)
    return index


def parse_when(value) -> datetime.datetime | None:
    """The call's time, or None; ValueError for text that is no date or out of range."""
    if isinstance(value, datetime.datetime):
        when = value
    elif isinstance(value, datetime.date):
        when = datetime.datetime.combine(value, datetime.time.min)
    else:
        text = cell(value)
        if not text:
            return None
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
            try:
                when = datetime.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError("unreadable")
    # Compare naive local dates first: 9999-12-31 or 0001-01-01 overflow once made aware.
    if not EARLIEST <= when.date() <= timezone.localdate() + datetime.timedelta(days=1):
        raise OverflowError("out of range")
    return timezone.make_aware(when) if timezone.is_naive(when) else when
