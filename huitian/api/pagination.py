import functools

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.utils.functional import cached_property
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (at most API_MAX_PAGE_SIZE; more is refused, not trimmed)."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self):
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1 or size > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("page_size must be a whole number from 1 to %(max)d.")
                        % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
                parameter["description"] = _(
                    "Number of results per page (default %(default)d, at most %(max)d; "
                    "more is refused with a 400)."
                ) % {"default": self.page_size, "max": self.max_page_size}
        return parameters


# --- Large scopes: no exact COUNT(*) over a million rows on every page ----------------------
class EstimatingPaginator(Paginator):
    """Counts exactly up to `exact_limit` rows; past it, takes PostgreSQL's estimate.

    The capped count (`SELECT count(*) FROM (SELECT id … LIMIT exact_limit + 1)`) reads at
    most `exact_limit + 1` index entries, so a community's list is counted exactly and a
    district's million rows are not walked on every page. Past the limit the planner's
    row estimate stands in for the count, and pages are cut by offset without checking
    them against it (a page past the real end is empty → 404, as before).
    """

    def __init__(self, object_list, per_page, *, exact_limit: int, exact: bool = False):
        super().__init__(object_list, per_page)
        self.exact_limit, self.exact = exact_limit, exact
        self.estimated = False

    @cached_property
    def count_sql(self) -> tuple[str, tuple]:
        """The SQL of the ids to count (compiled once: a subclass keys on it too)."""
        qs = getattr(self.object_list, "count_source", self.object_list)
        return qs.order_by().values("pk").query.sql_with_params()

    @cached_property
    def count(self):
        qs = getattr(self.object_list, "count_source", self.object_list)
        if self.exact or not hasattr(qs, "query") or connection.vendor != "postgresql":
            return qs.count() if hasattr(qs, "query") else super().count
        sql, params = self.count_sql
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM ({sql} LIMIT {self.exact_limit + 1}) AS c", params)
            capped = cur.fetchone()[0]
            if capped <= self.exact_limit:
                return capped
            self.estimated = True
            return max(self.exact_limit + 1, _sampled(cur, qs.model._meta.db_table, sql, params))

    def validate_number(self, number):
        if not self.estimated:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(_("That page number is not an integer")) from exc
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def page(self, number):
        self.count  # noqa: B018  (decides exact or estimated before the number is checked)
        if not self.estimated:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results"))
        return _EstimatedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


SAMPLE_PERCENT = 1


def _sampled(cur, table: str, sql: str, params) -> int:
    """The rows of `sql` counted in a fixed 1 % sample of the table's pages, scaled up.

    `TABLESAMPLE SYSTEM … REPEATABLE` reads the same 1 % of pages on every call, so
    the figure does not move between pages; the planner's own estimate was 35 % off
    for a district (a 154-value `IN` ORed with the owner's rows).
    """
    sampled = sql.replace(
        f'FROM "{table}"',
        f'FROM "{table}" TABLESAMPLE SYSTEM ({SAMPLE_PERCENT}) REPEATABLE (0)',
        1,
    )
    if sampled == sql:
        return 0
    cur.execute(f"SELECT count(*) FROM ({sampled}) AS s", params)
    return round(cur.fetchone()[0] * 100 / SAMPLE_PERCENT)


class _EstimatedPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self._more = more

    def has_next(self):
        return self._more


def about(n: int) -> str:
    """A large count as people say it: "约 100 万" in Chinese, "about 1,000,000" otherwise."""
    if (get_language() or "").lower().startswith("zh"):
        unit, size = ("亿", 10**8) if n >= 10**8 else ("万", 10**4) if n >= 10**4 else ("", 1)
        value = n / size
        shown = f"{round(value)}" if value >= 100 or size == 1 else f"{value:.3g}"
        number = f"{shown} {unit}".strip()
    else:
        digits = max(0, len(str(n)) - 2)
        number = f"{round(n, -digits):,}"
    return pgettext("approximate count", "about %(n)s") % {"n": number}


class EstimatedCountPagination(PageNumberPagination):
    """Page numbers with an exact count up to API_EXACT_COUNT_LIMIT rows, an estimate past it.

    The body says which: `count_exact` (false for an estimate) and `count_display`
    ("约 100 万"). `?count=exact` asks for the exact count whatever the size (a clerk's
    export or reconciliation); dashboards and exports count in their own selectors.
    """

    count_query_param = "count"

    def paginate_queryset(self, queryset, request, view=None):
        exact = request.query_params.get(self.count_query_param) == "exact"
        self.django_paginator_class = functools.partial(
            EstimatingPaginator,
            exact_limit=getattr(settings, "API_EXACT_COUNT_LIMIT", 10_000),
            exact=exact,
        )
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        count = paginator.count
        return Response(
            {
                "count": count,
                "count_exact": not paginator.estimated,
                "count_display": about(count) if paginator.estimated else str(count),
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        body = super().get_paginated_response_schema(schema)
        body["properties"]["count"]["description"] = _(
            "Exact up to %(limit)d rows, PostgreSQL's estimate past it (see count_exact)."
        ) % {"limit": getattr(settings, "API_EXACT_COUNT_LIMIT", 10_000)}
        body["properties"]["count_exact"] = {"type": "boolean"}
        body["properties"]["count_display"] = {"type": "string", "example": "约 100 万"}
        body["required"] = ["count", "count_exact", "count_display", "results"]
        return body

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": str(
                    _("“exact” counts every row even past %(limit)d (slower on large scopes).")
                    % {"limit": getattr(settings, "API_EXACT_COUNT_LIMIT", 10_000)}
                ),
                "schema": {"type": "string", "enum": ["exact"]},
            }
        )
        return parameters
