"""Dashboard panels and open data over the API (D1, D2), for the 回天有我 app and a 大屏.

`GET /api/v1/dashboards/` lists the panels; `GET /api/v1/dashboards/{panel}/?area=&period=`
gives one panel's numbers for the caller's scope (the same numbers the page draws, cached
per user-area-period for a minute). `period`: `2026-11`, `2026-Q4`, `2026` or
`2026-01-01..2026-03-31` (default: this year); `area`: an area id inside the caller's
areas (default: the caller's own). Open data is public: `GET /api/v1/open-data/` and
`GET /api/v1/open-data/{dataset}/?year=`.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from huitian import dashboards as dash
from huitian import open_data
from huitian.access import is_staff_user

AREA = OpenApiParameter("area", OpenApiTypes.INT, description="Area id (default: your own)")
PERIOD = OpenApiParameter(
    "period", OpenApiTypes.STR, description="2026-11, 2026-Q4, 2026 or 2026-01-01..2026-03-31"
)
YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Calendar year (default: this)")


_LINK = inline_serializer(
    "DashboardLink",
    {
        "key": serializers.CharField(),
        "title": serializers.CharField(),
        "url": serializers.URLField(),
    },
)
PANEL_LIST = inline_serializer("DashboardPanelList", {"results": _LINK.__class__(many=True)})
PANEL = inline_serializer(
    "DashboardPanel",
    {
        "panel": serializers.CharField(),
        "title": serializers.CharField(),
        "chart": serializers.CharField(),
        "area": serializers.DictField(),
        "period": serializers.DictField(),
        "drills": serializers.BooleanField(),
        "label_key": serializers.CharField(),
        "columns": serializers.ListField(child=serializers.DictField()),
        "rows": serializers.ListField(child=serializers.DictField()),
        "note": serializers.CharField(),
        "links": serializers.ListField(child=serializers.DictField()),
    },
)
OPEN_LIST = inline_serializer(
    "OpenDataList",
    {"threshold": serializers.IntegerField(), "results": _LINK.__class__(many=True)},
)
OPEN_SET = inline_serializer(
    "OpenDataSet",
    {
        "dataset": serializers.CharField(),
        "title": serializers.CharField(),
        "year": serializers.IntegerField(),
        "threshold": serializers.IntegerField(),
        "columns": serializers.ListField(child=serializers.DictField()),
        "rows": serializers.ListField(child=serializers.DictField()),
    },
)


def _bad(exc: dash.BadParameter):
    return ValidationError({exc.name: [str(exc.message)]})


class StaffOnly(permissions.BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and is_staff_user(request.user))


class PanelListView(APIView):
    """The dashboard panels the apps contribute."""

    permission_classes = [StaffOnly]

    @extend_schema(operation_id="dashboards_list", responses=PANEL_LIST)
    def get(self, request):
        return Response(
            {
                "results": [
                    {
                        "key": p.key,
                        "title": str(p.title),
                        "chart": p.chart,
                        "app": p.app,
                        "url": request.build_absolute_uri(f"{request.path}{p.key}/"),
                    }
                    for p in dash.declared_panels().values()
                ]
            }
        )


class PanelView(APIView):
    """One panel's numbers for the caller's scope, area and period."""

    permission_classes = [StaffOnly]

    @extend_schema(operation_id="dashboards_panel", parameters=[AREA, PERIOD], responses=PANEL)
    def get(self, request, panel: str):
        panel = dash.get_panel(panel)
        if panel is None:
            raise Http404
        try:
            area = dash.resolve_area(request.user, request.query_params.get("area"))
            period = dash.parse_period(request.query_params.get("period"))
        except dash.BadParameter as exc:
            raise _bad(exc) from exc
        except PermissionDenied:
            raise
        q = dash.Query(user=request.user, area=area, period=period)
        return Response(dash.table_payload(panel, q, dash.panel_table(panel, q)))


class OpenDataListView(APIView):
    """The public datasets (monthly aggregates, small cells suppressed)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(operation_id="open_data_list", responses=OPEN_LIST)
    def get(self, request):
        return Response(
            {
                "threshold": open_data.THRESHOLD,
                "results": [
                    {
                        "key": ds.key,
                        "title": str(ds.title),
                        "url": request.build_absolute_uri(f"{request.path}{ds.key}/"),
                    }
                    for ds in open_data.declared_datasets().values()
                ],
            }
        )


class OpenDataView(APIView):
    """One public dataset for a year; suppressed cells are null and listed in `suppressed`."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(operation_id="open_data_set", parameters=[YEAR], responses=OPEN_SET)
    def get(self, request, dataset: str):
        ds = open_data.declared_datasets().get(dataset)
        if ds is None:
            raise Http404
        try:
            year = open_data.parse_year(request.query_params.get("year"))
        except dash.BadParameter as exc:
            raise _bad(exc) from exc
        return Response(open_data.dataset_result(ds, year))
