"""A panel's table as a file: CSV and xlsx, with cells a spreadsheet would run
neutralized (the admin's list exports use `neutralize` too)."""

import csv
import io
import re

from huitian.dashboards.panels import Table

# A spreadsheet runs a cell that begins with one of these: downloads neutralize them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """A cell a spreadsheet will show, never run: text starting with = + - @ gets a `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralize(h) for h in table.header()])
    for line in table.matrix():
        writer.writerow([neutralize("" if v is None else v) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8


def xlsx_bytes(table: Table, title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "data"
    sheet.append([neutralize(h) for h in table.header()])
    for line in table.matrix():
        sheet.append([neutralize(v) for v in line])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
