"""Who may take each credit step (django-rules); services call `require()`.

The registration body decides on credit: district administrators (MCA Order No. 60).
Street staff supervise the organizations of their street (complaints, nominations).
"""

import rules

from huitian.access import has_role, staff_in
from huitian.models import Role
from huitian.rules import is_district_admin

SUPERVISORS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF)
NOMINATORS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.FEDERATION_STAFF, Role.COMMUNITY_STAFF)


@rules.predicate
def registration_body(user, organization):
    return organization is not None and staff_in(
        user, organization.home_area, (Role.DISTRICT_ADMIN,)
    )


@rules.predicate
def supervises(user, organization):
    """Staff over the organization's home area who supervise it (district, street)."""
    return organization is not None and staff_in(user, organization.home_area, SUPERVISORS)


@rules.predicate
def nominates_in(user, area):
    return area is not None and staff_in(user, area, NOMINATORS)


@rules.predicate
def assigned_evaluator(user, evaluation):
    return (
        evaluation is not None
        and evaluation.evaluator_id == user.pk
        and has_role(user, Role.EVALUATOR)
    )


rules.add_perm("credit.reverse_event", rules.is_superuser | registration_body)
rules.add_perm("credit.decide_listing", rules.is_superuser | registration_body)
rules.add_perm("credit.publish_star_model", rules.is_superuser | is_district_admin)
rules.add_perm("credit.publish_grade_model", rules.is_superuser | is_district_admin)
rules.add_perm("credit.open_evaluation_round", rules.is_superuser | is_district_admin)
rules.add_perm("credit.assign_evaluation", rules.is_superuser | registration_body)
rules.add_perm("credit.award_grade", rules.is_superuser | registration_body)
rules.add_perm("credit.score_evaluation", assigned_evaluator)
rules.add_perm("credit.verify_complaint", rules.is_superuser | supervises)
rules.add_perm("credit.nominate_honour", rules.is_superuser | nominates_in)
rules.add_perm("credit.select_honour", rules.is_superuser | is_district_admin)
rules.add_perm("credit.edit_settings", rules.is_superuser | is_district_admin)
