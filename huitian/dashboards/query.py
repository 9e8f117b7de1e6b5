"""The query a panel's selector gets: (user, area, period), the scoping door narrowed to
the chosen area, and the roll-up of leaf-area rows into the chosen area's children."""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import Q, QuerySet

from huitian.access import countable
from huitian.dashboards.areas import Node, area_tree
from huitian.dashboards.periods import Period
from huitian.models import Area


@dataclass
class Query:
    """(user, area, period), and what the panels of one request share: the page builds
    one Query for all its panels, so the door's look-ups, the area tree and reference
    labels (`shared`) are read once per request, not once per panel."""

    user: object
    area: Node
    period: Period
    _shared: dict = field(default_factory=dict, repr=False, compare=False)

    # `clause()` of a scope that joins or is DISTINCT: not one condition on the table.
    UNCLAUSED = object()

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

    def clause(self, model, area_lookup: str):
        """`scoped()` as one SQL condition on `model`'s own table, `(sql, params)`, for a
        `Statement`; None when the user may count nothing; `UNCLAUSED` when the scope
        needs a join or DISTINCT. Compiled once per request and model."""

        def compile_clause():
            query = self.scoped(model._base_manager.all(), area_lookup).query
            if query.is_empty():
                return None
            joined = any(n for a, n in query.alias_refcount.items() if a != query.base_table)
            if query.distinct or joined:
                return self.UNCLAUSED
            try:
                sql, params = query.get_compiler(model._base_manager.db).compile(query.where)
            except EmptyResultSet:
                return None
            except FullResultSet:
                return "TRUE", ()
            return sql, tuple(params)

        return self.shared(("clause", model, area_lookup), compile_clause)

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


def rate(n, d) -> float | None:
    """A percentage with one decimal, None when there is nothing to divide by."""
    return round(100.0 * n / d, 1) if d else None
