"""The area tree as the dashboards read it: one cached copy of every area, the user's
outermost areas, the area a request may ask for, breadcrumbs and children."""

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from huitian.access import AREA_TREE_VERSION_KEY, is_staff_user, staff_areas
from huitian.dashboards.periods import BadParameter
from huitian.models import Area


@dataclass(frozen=True)
class Node:
    id: int
    name: str
    level: str
    parent_id: int | None
    path: str


# The tree is stored with the version it was read at: one round trip (MGET) reads both,
# where a key named after the version took two (a panel asked alone pays it per request).
TREE_KEY = "huitian:area-tree"


def area_tree() -> dict[int, Node]:
    """Every area, by id: one query, cached until an area is saved (`forget_area_tree`)."""
    got = cache.get_many([AREA_TREE_VERSION_KEY, TREE_KEY])
    version = got.get(AREA_TREE_VERSION_KEY, 0)
    stored = got.get(TREE_KEY)
    if stored is not None and stored[0] == version:
        return stored[1]
    rows = Area.objects.values_list("pk", "name", "level", "parent_id", "path")
    tree = {row[0]: Node(*row) for row in rows}
    cache.set(TREE_KEY, (version, tree), 3600)
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
