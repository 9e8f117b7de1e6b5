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

One module per concept: `periods` (what `?period=` says), `areas` (the area tree, what
a user may ask for), `query` (the `Query` a selector gets, the roll-up), `panels` (the
protocol, the registry, the cached answer), `downloads` (CSV/xlsx) and `statements`
(aggregates compiled once per scope shape, bound per request). Callers import from
this package; the names below are its public face.
"""

from huitian.dashboards.areas import (
    Node,
    area_tree,
    breadcrumbs,
    children_of,
    resolve_area,
    user_roots,
)
from huitian.dashboards.downloads import FORMULA_STARTS, csv_bytes, neutralize, xlsx_bytes
from huitian.dashboards.panels import (
    CACHE_SECONDS,
    CHART_KINDS,
    Column,
    Panel,
    Table,
    declared_panels,
    get_panel,
    panel_table,
    table_payload,
)
from huitian.dashboards.periods import EARLIEST, LATEST, BadParameter, Period, parse_period
from huitian.dashboards.query import Query, rate

__all__ = [
    "CACHE_SECONDS",
    "CHART_KINDS",
    "EARLIEST",
    "FORMULA_STARTS",
    "LATEST",
    "BadParameter",
    "Column",
    "Node",
    "Panel",
    "Period",
    "Query",
    "Table",
    "area_tree",
    "breadcrumbs",
    "children_of",
    "csv_bytes",
    "declared_panels",
    "get_panel",
    "neutralize",
    "panel_table",
    "parse_period",
    "rate",
    "resolve_area",
    "table_payload",
    "user_roots",
    "xlsx_bytes",
]
