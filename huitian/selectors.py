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


def district() -> Area | None:
    return Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()


def users_visible_to(user, qs: QuerySet) -> QuerySet:
    """Accounts a staff member may look up: district-wide roles see everyone; other staff
    see themselves and the users holding a role inside their areas."""
    if user.is_superuser or has_role(user, Role.DISTRICT_ADMIN, Role.AUDITOR):
        return qs
    q = Q(pk=user.pk)
    for _area_id, path in staff_areas(user):
        q |= Q(role_assignments__area__path__startswith=path)
    return qs.filter(q).distinct()


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
