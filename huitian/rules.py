"""Kernel permission predicates (django-rules). Apps add theirs in their own rules.py.

Services call `huitian.access.require(user, "perm", obj)`, so the admin, the
API and the portal all check the same rule.
"""

import rules

from huitian.access import can_change, has_role, is_staff_user
from huitian.models import Role


@rules.predicate
def is_district_admin(user):
    return has_role(user, Role.DISTRICT_ADMIN)


@rules.predicate
def is_platform_staff(user):
    return is_staff_user(user)


@rules.predicate
def may_change_record(user, obj):
    return obj is not None and can_change(user, obj)


rules.add_perm("huitian.manage_areas", rules.is_superuser | is_district_admin)
rules.add_perm("huitian.manage_calendar", rules.is_superuser | is_district_admin)
rules.add_perm("huitian.change_record", rules.is_superuser | may_change_record)
