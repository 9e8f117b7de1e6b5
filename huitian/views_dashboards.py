"""The dashboard pages (D1) and the open-data page (D2), served by the kernel.

The kernel knows nothing of the apps: it draws whatever panels `huitian.dashboards`
collected. Each panel's numbers are embedded as JSON (`json_script`) and drawn by
static/js/dashboards.js with the vendored ECharts; the same numbers are the table, the
CSV/xlsx download and the API answer (`huitian/api/dashboards.py`).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from huitian import dashboards as dash
from huitian import open_data
from huitian.access import is_staff_user

PERIOD_KINDS = (
    ("month", _("Month")),
    ("quarter", _("Quarter")),
    ("year", _("Year")),
    ("custom", _("Custom")),
)


def period_text(params) -> str:
    """`period=` as given, or composed from the picker's fields (kind, month, year, …)."""
    if params.get("period"):
        return params["period"]
    kind = params.get("kind", "")
    if kind == "month" and params.get("month"):
        return params["month"]
    if kind == "quarter" and params.get("year"):
        return f"{params['year']}-Q{params.get('quarter', '1')}"
    if kind == "year" and params.get("year"):
        return params["year"]
    if kind == "custom" and params.get("start") and params.get("end"):
        return f"{params['start']}..{params['end']}"
    return ""


def dashboard_query(request) -> dash.Query:
    """(user, area, period) from the request; refusals are 403, bad parameters 400."""
    if not is_staff_user(request.user):
        raise PermissionDenied
    area = dash.resolve_area(request.user, request.GET.get("area"))
    period = dash.parse_period(period_text(request.GET))
    return dash.Query(user=request.user, area=area, period=period)


def _area_options(user) -> list[tuple[dash.Node, list[dash.Node]]]:
    """The picker: each street (or the user's own area) with its communities."""
    tree = dash.area_tree()
    groups = []
    for root in dash.user_roots(user):
        inside = sorted(
            (n for n in tree.values() if n.path.startswith(root.path)), key=lambda n: n.path
        )
        groups.append((root, inside))
    return groups


@login_required
def dashboard(request):
    try:
        q = dashboard_query(request)
    except dash.BadParameter as exc:
        return HttpResponseBadRequest(str(exc.message))
    panels = dash.declared_panels()
    apps = sorted(
        {p.app for p in panels.values()},
        key=lambda a: list(panels.values()).index(next(p for p in panels.values() if p.app == a)),
    )
    chosen_app = request.GET.get("app") or (apps[0] if apps else "")
    if chosen_app not in apps:
        raise Http404
    base = {"area": q.area.id, "period": q.period.key}
    cards = []
    for panel in panels.values():
        if panel.app != chosen_app:
            continue
        table = dash.panel_table(panel, q)
        payload = dash.table_payload(panel, q, table)
        cards.append(
            {
                "panel": panel,
                "table": table,
                "payload": payload,
                "cells": _cells(table, drills=payload["drills"]),
                "script_id": f"panel-data-{panel.key}",
                "query": urlencode(base),
            }
        )
    context = {
        "q": q,
        "cards": cards,
        "apps": [(a, _app_label(a)) for a in apps],
        "chosen_app": chosen_app,
        "crumbs": dash.breadcrumbs(request.user, q.area),
        "children": dash.children_of(q.area),
        "area_options": _area_options(request.user),
        "kinds": PERIOD_KINDS,
        "base_query": urlencode(base),
        "drill_query": urlencode({"period": q.period.key, "app": chosen_app}),
        "drill_base": "?" + urlencode({"period": q.period.key, "app": chosen_app}),
    }
    return render(request, "huitian/dashboard.html", context)


def _cells(table: dash.Table, *, drills: bool) -> list[list[dict]]:
    """The table as shown: the same values the chart and the downloads hold."""
    out = []
    for row in table.rows:
        line = []
        for col in table.columns:
            cell = {"key": col.key, "kind": col.kind, "value": row.get(col.key)}
            if drills and col.key == table.label_key and row.get("area_id"):
                cell["area_id"] = row["area_id"]
            line.append(cell)
        out.append(line)
    return out


def _app_label(app: str) -> str:
    from django.apps import apps

    return str(apps.get_app_config(app).verbose_name)


@login_required
def panel_download(request, key: str, fmt: str):
    panel = dash.get_panel(key)
    if panel is None:
        raise Http404
    try:
        q = dashboard_query(request)
    except dash.BadParameter as exc:
        return HttpResponseBadRequest(str(exc.message))
    table = dash.panel_table(panel, q)
    name = f"{panel.key}-{q.area.id}-{q.period.key}".replace("..", "_")
    if fmt == "csv":
        response = HttpResponse(dash.csv_bytes(table), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            dash.xlsx_bytes(table, str(panel.title)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def open_data_page(request):
    """Public monthly aggregates (D2), small cells suppressed (`huitian.open_data`)."""
    try:
        year = open_data.parse_year(request.GET.get("year"))
    except dash.BadParameter as exc:
        return HttpResponseBadRequest(str(exc.message))
    sets = []
    for ds in open_data.declared_datasets().values():
        result = open_data.dataset_result(ds, year)
        cells = [
            [
                {
                    "key": c["key"],
                    "value": row.get(c["key"]),
                    "suppressed": c["key"] in row["suppressed"],
                    "rate": c["key"].endswith("_rate"),
                }
                for c in result["columns"]
            ]
            for row in result["rows"]
        ]
        sets.append({"dataset": ds, "result": result, "cells": cells})
    return render(
        request,
        "huitian/open_data.html",
        {"year": year, "sets": sets, "threshold": open_data.THRESHOLD},
    )
