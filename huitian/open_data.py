"""Open data (D2): public monthly aggregates the apps declare, small cells suppressed.

An app lists `OPEN_DATA = [Dataset(...)]` in its `dashboards.py` (beside its panels).
A dataset's `rows(year)` returns plain aggregate rows for the whole of Huitian (no user:
the page is public, so nothing is scoped and no row is ever a record). The kernel then
suppresses every count from 1 to THRESHOLD − 1 in the columns the dataset names
(`suppress`), and every rate whose denominator is that small (`rate_bases`): the value
becomes None and the row lists the column in `suppressed`, so the page and the API mark
it instead of showing it. A cell of community × category × month with fewer than five
needs could point at a resident; a zero identifies nobody and stays.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from huitian.dashboards import BadParameter, Column
from huitian.plugins import app_module

THRESHOLD = 5
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Dataset:
    key: str
    title: object
    columns: list[Column]
    rows: Callable[[int], list[dict]]
    # Count columns whose small values are suppressed.
    suppress: tuple[str, ...] = ()
    # Rate column → the count column it divides by (suppressed when that count is small).
    rate_bases: dict = field(default_factory=dict)
    description: object = ""


def declared_datasets() -> dict[str, Dataset]:
    found: dict[str, Dataset] = {}
    for app in settings.DOMAIN_APPS:
        module = app_module(app, "dashboards")
        for ds in getattr(module, "OPEN_DATA", []) if module else []:
            found[ds.key] = ds
    return found


def parse_year(text) -> int:
    if text in (None, ""):
        return timezone.localdate().year
    if not str(text).isdigit() or not 2000 <= int(text) <= 2100:
        raise BadParameter("year", _("Give a year from 2000 to 2100."))
    return int(text)


def small(value) -> bool:
    return isinstance(value, int) and 0 < value < THRESHOLD


def suppress(ds: Dataset, rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        row = dict(row)
        hidden = [k for k in ds.suppress if small(row.get(k))]
        hidden += [k for k, base in ds.rate_bases.items() if small(row.get(base))]
        for k in hidden:
            row[k] = None
        row["suppressed"] = sorted(set(hidden))
        out.append(row)
    return out


def dataset_result(ds: Dataset, year: int) -> dict:
    key = f"huitian:open-data:{ds.key}:{year}:{get_language()}"
    result = cache.get(key)
    if result is None:
        result = {
            "dataset": ds.key,
            "title": str(ds.title),
            "description": str(ds.description),
            "year": year,
            "threshold": THRESHOLD,
            "columns": [{"key": c.key, "label": str(c.label)} for c in ds.columns],
            "rows": suppress(ds, ds.rows(year)),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
        }
        cache.set(key, result, CACHE_SECONDS)
    return result


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )
