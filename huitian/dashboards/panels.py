"""The panel protocol: a panel (title, selector, chart kind), the table of numbers it
returns, the registry of every app's panels, and the cached, JSON-ready answer."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from huitian.dashboards.query import Query
from huitian.plugins import app_module

CACHE_SECONDS = 60
CHART_KINDS = frozenset({"bar", "stacked", "line", "heatmap", "pie", "sankey"})


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
        if module is None or module.__name__ == __package__:  # the kernel itself
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
