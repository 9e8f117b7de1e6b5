"""Dashboards (D1): panels the apps contribute, drawn by the kernel (arrows point down).

Each domain app may have a `dashboards.py` with `PANELS = [Panel(...), ...]` (the same
plug-in shape as `schedule.py`). A panel is a title, a selector
`rows(q: Query) -> Table` that returns the numbers for (user, area, period), a chart
kind and, from the same `Table`, the table, the CSV/xlsx download and the API answer.

Every number goes through the scoping door: a selector counts `q.countable(qs)`
(`huitian.access.countable`) narrowed to the chosen area by `q.inside(lookup)`. The
area must lie inside one of the user's staff areas (`resolve_area`), so a street clerk
cannot ask for another street. Selectors group by the row's own area id; the kernel
rolls those ids up to the children of the chosen area (`Query.roll_up`) from one
cached copy of the area tree, so a panel runs the same queries however many streets
and communities there are.
"""

import calendar
import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from huitian.access import (
    AREA_TREE_VERSION_KEY,
    countable,
    is_staff_user,
    staff_areas,
)
from huitian.models import Area
from huitian.plugins import app_module

CACHE_SECONDS = 60
CHART_KINDS = frozenset({"bar", "stacked", "line", "heatmap", "pie", "sankey"})
# A spreadsheet runs a cell that begins with one of these: downloads neutralize them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value):
    """A cell a spreadsheet will show, never run: text starting with = + - @ gets a `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# ---------------------------------------------------------------- periods


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, custom
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "custom":
            return f"{self.start.isoformat()} – {self.end.isoformat()}"
        return self.key

    @property
    def lo(self) -> datetime.datetime:
        tz = timezone.get_current_timezone()
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)

    @property
    def hi(self) -> datetime.datetime:
        """The first instant after the period (exclusive bound)."""
        tz = timezone.get_current_timezone()
        day_after = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time.min, tzinfo=tz)

    def a_year_earlier(self) -> "Period":
        return Period(self.kind, _minus_year(self.start), _minus_year(self.end))

    def q(self, lookup: str) -> Q:
        """Rows whose datetime `lookup` falls in the period."""
        return Q(**{f"{lookup}__gte": self.lo, f"{lookup}__lt": self.hi})

    def q_date(self, lookup: str) -> Q:
        return Q(**{f"{lookup}__gte": self.start, f"{lookup}__lte": self.end})


def _minus_year(day: datetime.date) -> datetime.date:
    last = calendar.monthrange(day.year - 1, day.month)[1]
    return day.replace(year=day.year - 1, day=min(day.day, last))


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


class BadParameter(ValueError):
    def __init__(self, name: str, message):
        super().__init__(str(message))
        self.name = name
        self.message = message


def parse_period(text: str | None, *, today: datetime.date | None = None) -> Period:
    """`2026-11` (month), `2026-Q4`, `2026`, `2026-01-01..2026-03-31`; default: this year."""
    today = today or timezone.localdate()
    text = (text or "").strip()
    try:
        if not text:
            period = Period(
                "year", datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
            )
        elif m := _MONTH.match(text):
            y, mo = int(m[1]), int(m[2])
            last = calendar.monthrange(y, mo)[1]
            period = Period("month", datetime.date(y, mo, 1), datetime.date(y, mo, last))
        elif m := _QUARTER.match(text):
            y, qn = int(m[1]), int(m[2])
            first = 3 * (qn - 1) + 1
            last = calendar.monthrange(y, first + 2)[1]
            period = Period(
                "quarter", datetime.date(y, first, 1), datetime.date(y, first + 2, last)
            )
        elif m := _YEAR.match(text):
            y = int(m[1])
            period = Period("year", datetime.date(y, 1, 1), datetime.date(y, 12, 31))
        elif m := _CUSTOM.match(text):
            start = datetime.date.fromisoformat(m[1])
            end = datetime.date.fromisoformat(m[2])
            if end < start:
                raise BadParameter("period", _("The period ends before it starts."))
            if (end - start).days > 366 * 5:
                raise BadParameter("period", _("A custom period is at most five years."))
            period = Period("custom", start, end)
        else:
            raise BadParameter(
                "period", _("Give a month (2026-11), quarter (2026-Q4), year or start..end.")
            )
    except ValueError as exc:
        if isinstance(exc, BadParameter):
            raise
        raise BadParameter("period", _("That is not a date.")) from exc
    if not (period.start >= EARLIEST and period.end <= LATEST):
        raise BadParameter("period", _("Give a period from 2000 to 2100."))
    return period


# ---------------------------------------------------------------- areas


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    level: str
    parent_id: int | None
    path: str


def area_tree() -> dict[int, Node]:
    """Every area, by id: one query, cached until an area is saved (`forget_area_tree`)."""
    version = cache.get(AREA_TREE_VERSION_KEY, 0)
    key = f"huitian:area-tree:{version}"
    tree = cache.get(key)
    if tree is None:
        rows = Area.objects.values_list("pk", "name", "level", "parent_id", "path")
        tree = {row[0]: Node(*row) for row in rows}
        cache.set(key, tree, 3600)
    return tree


def user_roots(user) -> list[Node]:
    """The outermost areas whose figures the user may see (the district for a superuser)."""
    tree = area_tree()
    if user.is_superuser:
        return [n for n in tree.values() if n.parent_id is None]
    return [
        tree[area_id] for area_id, _path in staff_areas(user, for_figures=True) if area_id in tree
    ]


def resolve_area(user, area_id) -> Node:
    """The area asked for (default: the user's own), refused unless inside the user's areas."""
    if not is_staff_user(user):
        raise PermissionDenied
    roots = user_roots(user)
    if not roots:
        raise PermissionDenied
    if area_id in (None, ""):
        return sorted(roots, key=lambda n: (len(n.path), n.path))[0]
    try:
        node = area_tree().get(int(area_id))
    except (TypeError, ValueError, OverflowError) as exc:
        raise BadParameter("area", _("Unknown area.")) from exc
    if node is None:
        raise BadParameter("area", _("Unknown area."))
    if not any(node.path.startswith(root.path) for root in roots):
        raise PermissionDenied
    return node


def breadcrumbs(user, node: Node) -> list[Node]:
    """The chain from the user's own area down to `node` (what the user may step back to)."""
    tree = area_tree()
    roots = user_roots(user)
    chain = []
    current = node
    while current is not None:
        chain.append(current)
        if any(current.id == r.id for r in roots):
            break
        current = tree.get(current.parent_id) if current.parent_id else None
    return list(reversed(chain))


def children_of(node: Node) -> list[Node]:
    return sorted((n for n in area_tree().values() if n.parent_id == node.id), key=lambda n: n.path)


# ---------------------------------------------------------------- the query a selector gets


@dataclass
class Query:
    """(user, area, period), and what the panels of one request share: the page builds
    one Query for all its panels, so the door's look-ups, the area tree and reference
    labels (`shared`) are read once per request, not once per panel."""

    user: object
    area: Node
    period: Period
    _shared: dict = field(default_factory=dict, repr=False, compare=False)

    def shared(self, key, compute):
        """`compute()` once per request under `key` (category labels, a calendar, …)."""
        if key not in self._shared:
            self._shared[key] = compute()
        return self._shared[key]

    def countable(self, qs: QuerySet) -> QuerySet:
        """`qs` as the user may count it. The door is asked once per model and request
        (its area look-ups are cache round trips) and its filter ANDed onto `qs`, which
        joins as a further `filter()` would."""
        model = qs.model
        door = self.shared(
            ("countable", model), lambda: countable(self.user, model._base_manager.all())
        )
        if door.query.is_empty():
            return qs.none()
        if door.query.distinct and not qs.query.distinct:
            qs = qs.distinct()
        return qs & door

    @cached_property
    def tree(self) -> dict[int, Node]:
        """The area tree, read once per query (a roll-up looks up every row's area)."""
        return area_tree()

    @cached_property
    def area_ids(self) -> list[int]:
        """The chosen area and every area inside it, from the tree already read."""
        return sorted(n.id for n in self.tree.values() if n.path.startswith(self.area.path))

    def inside(self, lookup: str) -> Q:
        """Rows whose area (`lookup`, a foreign key to Area) lies inside the chosen area."""
        return Q(**{f"{lookup}__in": self.area_ids})

    def scoped(self, qs: QuerySet, area_lookup: str) -> QuerySet:
        """`qs` counted as the user may, inside the chosen area."""
        return self.countable(qs).filter(self.inside(area_lookup))

    @property
    def drills(self) -> bool:
        return self.area.level != Area.Level.COMMUNITY

    def child_of(self, area_id) -> Node | None:
        """The child of the chosen area that contains `area_id` (itself at community level)."""
        tree = self.tree
        node = tree.get(area_id)
        if node is None or not node.path.startswith(self.area.path):
            return None
        if node.id == self.area.id:
            return node
        while node.parent_id != self.area.id:
            node = tree.get(node.parent_id)
            if node is None:
                return None
        return node

    def roll_up(self, rows, area_key: str, value_keys, *, by=()) -> list[dict]:
        """Sum `value_keys` of `rows` (dicts grouped by a leaf area id `area_key` and the
        keys `by`) into the children of the chosen area. Rows: area, area_id, *by, values."""
        out: dict[tuple, dict] = {}
        for row in rows:
            node = self.child_of(row[area_key])
            if node is None:
                continue
            k = (node.path, *(row[b] for b in by))
            slot = out.get(k)
            if slot is None:
                slot = {"area": node.name, "area_id": node.id, **{b: row[b] for b in by}}
                slot.update({v: 0 for v in value_keys})
                out[k] = slot
            for v in value_keys:
                slot[v] += row[v] or 0
        return [out[k] for k in sorted(out, key=lambda k: tuple(str(p) for p in k))]


# ---------------------------------------------------------------- panels and their tables


@dataclass
class Column:
    key: str
    label: object
    series: bool = True  # drawn in the chart (False: shown in the table only)
    kind: str = "int"  # int, rate (percent), text, minutes, money


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict]
    # The row key naming each row (x axis); "area" rows carry "area_id" for drill-down.
    label_key: str = "area"
    # Heat grids: the second dimension (columns of the grid) and the value key.
    # Flows ("sankey"): each row is a link from its `label_key` node to its `y_key`
    # node, `value_key` wide; nodes are known by their names.
    y_key: str = ""
    value_key: str = ""
    note: object = ""
    # Links for a row: {"label": …, "url": …} (e.g. "overdue" → the queue).
    links: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows

    def header(self) -> list[str]:
        return [str(c.label) for c in self.columns]

    def matrix(self) -> list[list]:
        return [[row.get(c.key) for c in self.columns] for row in self.rows]


@dataclass(frozen=True)
class Panel:
    key: str
    title: object
    rows: Callable[[Query], Table]
    chart: str = "bar"
    app: str = ""
    help: object = ""
    # Shown on the public open-data page too (aggregates only, suppressed small cells).
    public: bool = False

    def __post_init__(self):
        if self.chart not in CHART_KINDS:
            raise ValueError(f"chart kind {self.chart!r} is not one of {sorted(CHART_KINDS)}")
        if not re.fullmatch(r"[a-z0-9_-]+", self.key):
            raise ValueError(f"panel key {self.key!r}: lowercase letters, digits, - and _")


def declared_panels() -> dict[str, Panel]:
    """Panels from each domain app's `dashboards.py` (`PANELS = [...]`), in app order."""
    panels: dict[str, Panel] = {}
    for app in ["huitian", *settings.DOMAIN_APPS]:
        module = app_module(app, "dashboards")
        if module is None or module.__name__ == __name__:
            continue
        for panel in getattr(module, "PANELS", []):
            if panel.key in panels:
                raise ValueError(f"two panels are called {panel.key!r}")
            if not panel.app:
                object.__setattr__(panel, "app", app)
            panels[panel.key] = panel
    return panels


def get_panel(key: str) -> Panel | None:
    return declared_panels().get(key)


def panel_table(panel: Panel, q: Query) -> Table:
    """The panel's numbers for (user, area, period), cached briefly per user-area-period."""
    key = f"huitian:dash:{panel.key}:{q.user.pk}:{q.area.id}:{q.period.key}:{get_language()}"
    table = cache.get(key)
    if table is None:
        table = panel.rows(q)
        cache.set(key, table, CACHE_SECONDS)
    return table


def table_payload(panel: Panel, q: Query, table: Table) -> dict:
    """JSON-ready numbers: what the chart draws, the API answers and the downloads hold."""
    return {
        "panel": panel.key,
        "title": str(panel.title),
        "chart": panel.chart,
        "area": {"id": q.area.id, "name": q.area.name, "level": q.area.level},
        "period": {"key": q.period.key, "start": q.period.start, "end": q.period.end},
        "drills": q.drills and table.label_key == "area",
        "label_key": table.label_key,
        "y_key": table.y_key,
        "value_key": table.value_key,
        "columns": [
            {"key": c.key, "label": str(c.label), "series": c.series, "kind": c.kind}
            for c in table.columns
        ],
        "rows": table.rows,
        "note": str(table.note),
        "links": [{"label": str(link["label"]), "url": link["url"]} for link in table.links],
    }


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


def rate(n, d) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide by."""
    return round(100.0 * n / d, 1) if d else None
