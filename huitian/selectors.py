"""Kernel reads."""

from django.db.models import Prefetch, Q, QuerySet

from huitian.access import has_role, staff_areas
from huitian.models import Area, Role, RoleAssignment, User


def area_tree():
    """Streets with their communities, two queries."""
    return (
        Area.objects.filter(level=Area.Level.STREET, is_active=True)
        .order_by("code")
        .prefetch_related(
            Prefetch(
                "children",
                queryset=Area.objects.filter(is_active=True).order_by("code"),
                to_attr="communities",
            )
        )
    )


def users_visible_to(user, qs: QuerySet) -> QuerySet:
    """Accounts a staff member may look up: district-wide roles see everyone; other area
    staff see themselves and the users holding an active role inside their areas (a
    community clerk never sees another community's residents). The evaluator, an
    outside party, sees only itself."""
    if user.is_superuser or has_role(user, Role.DISTRICT_ADMIN, Role.AUDITOR):
        return qs
    inside = Q()
    for _area_id, path in staff_areas(user):
        inside |= Q(area__path__startswith=path)
    if not inside:
        return qs.filter(pk=user.pk)
    holders = RoleAssignment.objects.filter(inside, is_active=True).values("user_id")
    return qs.filter(Q(pk=user.pk) | Q(pk__in=holders))


def organization_members(organization) -> list[User]:
    """Active members of an organization (an instance or its id), for notifications."""
    org_id = getattr(organization, "pk", organization)
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=RoleAssignment.objects.filter(
                organization_id=org_id, is_active=True, role=Role.ORG_MEMBER
            ).values("user_id"),
        ).order_by("pk")
    )


def staff_of(area, roles) -> list[User]:
    """Active staff holding one of `roles` in `area` or any area containing it."""
    if area is None:
        return []
    ancestor_ids = [int(part) for part in area.path.strip("/").split("/") if part]
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=RoleAssignment.objects.filter(
                area_id__in=ancestor_ids, is_active=True, role__in=list(roles)
            ).values("user_id"),
        ).order_by("pk")
    )
