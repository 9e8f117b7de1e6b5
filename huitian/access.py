"""The one door for "may this user see / change it" (K2).

`visible(user, qs)` turns a queryset into what the user may read, by the
model's declared `scope`. The admin, the API, portal views, exports and search
all call it. `writable()` is the same with read-only roles left out.
`get_visible_or_404` answers 404 for "missing" and "not yours" alike.

The third-party evaluator is an outside party, not area staff: its area grant
opens no area's records. It reads what it is assigned to evaluate (the
model's `Scope(evaluated=…)`, see `evaluated_filter`), public rows, and
aggregate figures (`countable()`), and never sees contacts (`sees_contacts`).
"""

import functools
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from huitian.models import READ_ONLY_ROLES, STAFF_ROLES, Area, Role, RoleAssignment, User
from huitian.scope import SUPERUSERS_ONLY, Scope

_GRANTS_ATTR = "_huitian_grants"


@dataclass(frozen=True)
class Grant:
    role: str
    area_id: int | None
    area_path: str | None
    area_level: str | None
    organization_id: int | None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def can_write(self) -> bool:
        return self.role not in READ_ONLY_ROLES

    @property
    def reads_area(self) -> bool:
        """Staff who read the records of their area (the evaluator does not: it is outside)."""
        return self.is_staff and self.role != Role.EVALUATOR


_GRANT_COLUMNS = ("role", "area_id", "area__path", "area__level", "organization_id")


def grants(user) -> tuple[Grant, ...]:
    """The user's active role assignments, read once per user object (one query, or
    none when the user was read by `user_with_grants`)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, _GRANTS_ATTR, None)
    if cached is None:
        rows = RoleAssignment.objects.filter(user=user, is_active=True).values_list(*_GRANT_COLUMNS)
        cached = tuple(Grant(*row) for row in rows)
        setattr(user, _GRANTS_ATTR, cached)
    return cached


def user_with_grants(user_model, user_id):
    """The user `user_id` read with their active role assignments in the same query
    (PostgreSQL; elsewhere the plain user): an API request then authenticates and
    scopes in one round trip, not two. None when there is no such user."""
    if connection.vendor != "postgresql":
        return user_model._default_manager.filter(pk=user_id).first()
    return next(iter(user_model._default_manager.raw(_user_with_grants_sql(), [user_id])), None)


@functools.cache
def _user_with_grants_sql() -> str:
    # Written once per process: the ORM took longer to build this query than the
    # database to run it. Each grant is a JSON object of _GRANT_COLUMNS as c0…c4.
    user, grant, area = (m._meta.db_table for m in (User, RoleAssignment, Area))
    return f"""
        SELECT u.*, ARRAY(
            SELECT json_build_object('c0', g.role, 'c1', g.area_id, 'c2', a.path,
                                     'c3', a.level, 'c4', g.organization_id)
            FROM {grant} g LEFT JOIN {area} a ON a.id = g.area_id
            WHERE g.user_id = u.id AND g.is_active
        ) AS huitian_grant_rows
        FROM {user} u WHERE u.id = %s
    """


def take_grants(user) -> None:
    """Keep the grants `user_with_grants` read as the user's (see `grants`)."""
    rows = user.__dict__.pop("huitian_grant_rows", None)
    if rows is not None:
        columns = range(len(_GRANT_COLUMNS))
        setattr(user, _GRANTS_ATTR, tuple(Grant(*(r[f"c{i}"] for i in columns)) for r in rows))


def forget_grants(user) -> None:
    if hasattr(user, _GRANTS_ATTR):
        delattr(user, _GRANTS_ATTR)


def has_role(user, *roles: str) -> bool:
    return any(g.role in roles for g in grants(user))


def is_staff_user(user) -> bool:
    return getattr(user, "is_superuser", False) or any(g.is_staff for g in grants(user))


def staff_areas(
    user, *, for_write: bool = False, roles=None, for_figures: bool = False
) -> list[tuple[int, str]]:
    """(area id, path) of the areas the user works in as staff, outermost only.

    The evaluator's area counts only `for_figures` (aggregates), never for records.
    """
    chosen = [
        g
        for g in grants(user)
        if (g.reads_area or (for_figures and g.is_staff))
        and g.area_path
        and (not for_write or g.can_write)
        and (roles is None or g.role in roles)
    ]
    chosen.sort(key=lambda g: len(g.area_path))
    kept: list[tuple[int, str]] = []
    for g in chosen:
        if not any(g.area_path.startswith(path) for _area_id, path in kept):
            kept.append((g.area_id, g.area_path))
    return kept


def staff_in(user, area, roles) -> bool:
    """The user holds one of `roles` (writing) in an area containing `area`."""
    if area is None:
        return False
    return any(
        area.path.startswith(path) for _id, path in staff_areas(user, for_write=True, roles=roles)
    )


def organization_ids(user) -> list[int]:
    return sorted(
        {g.organization_id for g in grants(user) if g.role == Role.ORG_MEMBER and g.organization_id}
    )


def scope_of(model: type[Model]) -> Scope:
    return getattr(model, "scope", SUPERUSERS_ONLY)


def area_filter(
    user, area_lookup: str, *, for_write: bool = False, roles=None, for_figures: bool = False
) -> Q:
    """Q matching rows whose `area_lookup` lies inside one of the user's staff areas."""
    paths = [
        path
        for _area_id, path in staff_areas(
            user, for_write=for_write, roles=roles, for_figures=for_figures
        )
    ]
    if not paths:
        return Q(pk__in=[])
    # `area_id IN (1, 2, …)` with literal ids, neither a join nor a subquery: PostgreSQL
    # can then combine the foreign-key index with the other branches of the scope (the
    # user's own rows) instead of scanning a million-row table to count a clerk's list.
    return Q(**{f"{area_lookup}__in": area_ids_under(paths)})


AREA_TREE_VERSION_KEY = "huitian:area-tree-version"
# (tree version, paths) → the ids under them, per process. Areas change a few times a
# year; the version (one Redis GET per call) says when every process must read again.
_subtrees: dict[tuple[int, str], list[int]] = {}


def area_tree_version() -> int | None:
    """The area tree's version in the shared cache; None when the cache cannot say.

    A version starts as a random number, not 0: a cache emptied (a Redis restart, a
    test's `cache.clear()`) must not bring back a version a process already saw.
    """
    version = cache.get(AREA_TREE_VERSION_KEY)
    if version is None:
        first = secrets.randbits(48)
        # (another process may have started one meanwhile: then read theirs)
        version = (
            first
            if cache.add(AREA_TREE_VERSION_KEY, first, None)
            else cache.get(AREA_TREE_VERSION_KEY)
        )
    return version


def area_ids_under(paths: list[str]) -> list[int]:
    """Ids of the areas inside any of `paths`: read once per process and tree version."""
    version, key = area_tree_version(), "|".join(sorted(paths))
    ids = _subtrees.get((version, key)) if version is not None else None
    if ids is None:
        inside = Q()
        for path in paths:
            inside |= Q(path__startswith=path)
        ids = sorted(Area.objects.filter(inside).values_list("pk", flat=True))
        if version is not None:  # (without the version nothing could tell it is stale)
            if len(_subtrees) >= 1000:  # paths × versions: bounded
                _subtrees.clear()
            _subtrees[(version, key)] = ids
    return ids


def forget_area_tree() -> None:
    """Called when an area is saved: every process reads the subtrees again."""
    try:
        cache.incr(AREA_TREE_VERSION_KEY)
    except ValueError:
        cache.set(AREA_TREE_VERSION_KEY, secrets.randbits(48), None)


def evaluated_filter(user, scope: Scope) -> Q:
    """THE extension point for third-party evaluation: rows the evaluator is assigned to.

    A model that evaluators assess declares `Scope(evaluated="…")`, the lookup from
    the row to the evaluating User (e.g. a purchase project's `evaluator`). Nothing
    is assignable yet, so today an evaluator reads no area-scoped records at all.
    """
    if not scope.evaluated or not has_role(user, Role.EVALUATOR):
        return Q(pk__in=[])
    return Q(**{scope.evaluated: user.pk})


def _filter(user, qs: QuerySet, *, for_write: bool, for_figures: bool = False) -> QuerySet:
    scope = scope_of(qs.model)
    if not getattr(user, "is_authenticated", False):
        return qs if (scope.public and not for_write) else qs.none()
    if user.is_superuser or (scope.public and not for_write):
        return qs
    q = Q(pk__in=[])
    if scope.area:
        q |= area_filter(user, scope.area, for_write=for_write, for_figures=for_figures)
    if not for_write:
        q |= evaluated_filter(user, scope)
    if scope.organization:
        org_ids = organization_ids(user)
        if org_ids:
            q |= Q(**{f"{scope.organization}__in": org_ids})
    if scope.owner:
        q |= Q(**{scope.owner: user.pk})
    qs = qs.filter(q)
    return qs.distinct() if scope.distinct else qs


def visible(user, qs: QuerySet) -> QuerySet:
    """What `user` may read of `qs`."""
    return _filter(user, qs, for_write=False)


def writable(user, qs: QuerySet) -> QuerySet:
    """What `user` may change of `qs` (read-only roles get nothing)."""
    return _filter(user, qs, for_write=True)


def countable(user, qs: QuerySet) -> QuerySet:
    """What `user` may count in aggregate figures (dashboards, coverage tables).

    The same as `visible`, except that the evaluator counts the rows of the area it
    is assigned to. Never list or render these rows: only sums and counts leave.
    """
    return _filter(user, qs, for_write=False, for_figures=True)


def sees_contacts(user) -> bool:
    """Whether the user may read contacts (names, phones, addresses, e-mails) in full
    on the records it can see. The evaluator never does; contacts reach it masked."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(g.reads_area for g in grants(user))


def get_visible_or_404(user, qs: QuerySet, pk) -> Model:
    """The row, or 404 for missing, not yours, and ids that are not ids ("abc") alike."""
    try:
        pk = qs.model._meta.pk.to_python(pk)
    except (DjangoValidationError, TypeError, ValueError) as exc:
        raise Http404 from exc
    try:
        return get_object_or_404(visible(user, qs), pk=pk)
    except (ValueError, TypeError, OverflowError) as exc:  # ids past the column's range
        raise Http404 from exc


def can_change(user, obj: Model) -> bool:
    return writable(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


class Forbidden(PermissionDenied):
    """A refused action, with a reason the user can read (403 in the API)."""

    def __init__(self, detail, code: str = "permission_denied"):
        super().__init__(detail)
        self.detail = detail
        self.code = code


def require(user, permission: str, obj=None) -> None:
    """Check a `rules` predicate in a service, so every door checks the same rule."""
    if not user.has_perm(permission, obj):
        raise Forbidden(_("You are not allowed to do this here."), code="permission_denied")
