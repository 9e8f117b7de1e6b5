"""How a model says who may see its rows (K2).

Every model that holds domain records declares a `scope = Scope(...)` class
attribute. `huitian.access.visible()` reads it; nothing else decides
visibility. Paths are ORM lookups from the model to the thing that scopes it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    # Lookup to the Area the row belongs to ("area", "home_area", "need__community").
    # Staff see rows whose area lies inside an area they are assigned to.
    area: str | None = None
    # Lookup to the Organization the row belongs to; "pk" for Organization itself.
    # Organization members see their organizations' rows.
    organization: str | None = None
    # Lookup to the User who owns the row (a resident's own need, a user's notifications).
    owner: str | None = None
    # Everyone, signed in or not, may read every row (areas, published lists).
    public: bool = False
    # Lookup to the evaluating User, for rows a third-party evaluator is assigned to
    # (`huitian.access.evaluated_filter`). No model is assignable yet.
    evaluated: str | None = None
    # Set when a lookup crosses a many-valued relation, so rows are not repeated.
    distinct: bool = False


SUPERUSERS_ONLY = Scope()
