"""Aggregates compiled once per process and shape, run with each request's values.

A needs panel on one community runs 3–10 ms of SQL; building and compiling its ORM
queryset cost 0.5–1 ms a query on top (issue 12's bench), the panel's largest fixed
cost. A `Statement` is written as an ORM queryset like any other, but from `Bind`
placeholders instead of values: Django compiles it once per shape (the statement, the
SQL text of the user's scope, the time zone, the database) and each call binds that
request's values — the period's bounds, today, and the scope's own parameters (area
ids, the user's id) — to the cached SQL. The door is still asked on every request
(`Query.clause`); only its SQL text is a key.

A builder must take every value that varies from `Bind` (never `timezone.now()`, a
period or a user): whatever else it writes is compiled into the cached statement.
"""

from dataclasses import dataclass

from django.db import connections
from django.db.models import Expression, QuerySet
from django.db.models.fields import BooleanField
from django.utils import timezone

# Distinct shapes are few (statements × the scope's branches and id counts); the cap
# only bounds a process that sees unusually many different grants.
MAX_COMPILED = 1024


@dataclass(frozen=True)
class Slot:
    """Where a bound value goes in a compiled statement's parameters; `field` prepares
    it for the database as the ORM would (SQLite keeps datetimes as naive UTC text)."""

    name: object
    field: object = None


class Bind(Expression):
    """A value bound when the statement runs (`Statement.rows(q, name=value)`)."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [Slot(self.name, self.output_field)]


class ScopeClause(Expression):
    """The user's scope inside the chosen area (`Query.clause`) as a WHERE condition,
    its parameters left as slots."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, sql: str, count: int):
        super().__init__()
        self.sql, self.count = sql, count

    def as_sql(self, compiler, connection):
        return f"({self.sql})", [Slot(("scope", i)) for i in range(self.count)]


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: tuple
    names: tuple
    converters: tuple  # (position, converters, expression), as Django applies them


def compile_values(qs: QuerySet) -> Compiled:
    """`qs` (a `.values(...)` queryset) compiled: its SQL, parameters, column names and
    the converters Django would apply to each row."""
    query = qs.query
    compiler = query.get_compiler(qs.db)
    sql, params = compiler.as_sql()
    if query.selected:
        names = tuple(query.selected)
    else:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = tuple(
        (pos, tuple(convs), expr) for pos, (convs, expr) in compiler.get_converters(fields).items()
    )
    return Compiled(sql, tuple(params), names, converters)


class Statement:
    """An aggregate over `model`, scoped through the door inside the chosen area
    (`area_lookup`), built by `build(scoped_queryset) -> values queryset`."""

    def __init__(self, model, area_lookup: str, build):
        self.model = model
        self.area_lookup = area_lookup
        self.build = build
        self._compiled: dict[tuple, Compiled] = {}

    def compiled(self, q) -> tuple[Compiled | None, tuple]:
        """The compiled statement for `q`'s scope and its scope parameters; None when
        the user may count nothing here."""
        clause = q.clause(self.model, self.area_lookup)
        if clause is None:
            return None, ()
        if clause is q.UNCLAUSED:
            # The scope needs a join or DISTINCT: compile with the scoped queryset.
            base = q.scoped(self.model._default_manager.all(), self.area_lookup)
            return compile_values(self.build(base)), ()
        sql, params = clause
        base = self.model._default_manager.all()
        key = (sql, len(params), timezone.get_current_timezone_name(), base.db)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = compile_values(self.build(base.filter(ScopeClause(sql, len(params)))))
            if len(self._compiled) >= MAX_COMPILED:
                self._compiled.clear()
            self._compiled[key] = compiled
        return compiled, params

    def rows(self, q, **values) -> list[dict]:
        """The statement's rows (dicts, as `.values()` gives them) for `q` and `values`."""
        compiled, scope_params = self.compiled(q)
        if compiled is None:
            return []
        bound = {("scope", i): p for i, p in enumerate(scope_params)} | values
        connection = connections[self.model._default_manager.db]
        params = [_value(p, bound, connection) for p in compiled.params]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        names = compiled.names
        out = []
        for row in rows:
            if compiled.converters:
                row = list(row)
                for pos, convs, expr in compiled.converters:
                    value = row[pos]
                    for convert in convs:
                        value = convert(value, expr, connection)
                    row[pos] = value
            out.append(dict(zip(names, row, strict=True)))
        return out


def _value(param, bound: dict, connection):
    """A compiled parameter as this call runs it: a slot filled from `bound`."""
    if type(param) is not Slot:
        return param
    value = bound[param.name]
    return value if param.field is None else param.field.get_db_prep_value(value, connection)
