"""Who may take each registry step (django-rules); services call `require()`.

Visibility (404 for a sibling area) is the scoping door's job; these predicates
answer "may this role act on this record" (403 when it may not).
"""

import rules

from huitian.access import organization_ids, staff_in
from huitian.models import Role
from huitian.rules import is_district_admin

REGISTRATION_CLERKS = (Role.DISTRICT_ADMIN, Role.STREET_STAFF)
REGISTRATION_DECIDERS = (Role.DISTRICT_ADMIN,)


@rules.predicate
def is_applicant(user, obj):
    return obj is not None and obj.applicant_id is not None and obj.applicant_id == user.pk


@rules.predicate
def registration_clerk(user, application):
    return application is not None and staff_in(user, application.home_area, REGISTRATION_CLERKS)


@rules.predicate
def registration_decider(user, application):
    return application is not None and staff_in(user, application.home_area, REGISTRATION_DECIDERS)


@rules.predicate
def community_reviewer(user, filing):
    return filing is not None and staff_in(user, filing.community, (Role.COMMUNITY_STAFF,))


@rules.predicate
def street_federation(user, filing):
    return filing is not None and staff_in(user, filing.community, (Role.FEDERATION_STAFF,))


@rules.predicate
def member_of(user, organization):
    return organization is not None and organization.pk in organization_ids(user)


@rules.predicate
def inspection_clerk(user, organization):
    return organization is not None and staff_in(
        user, organization.home_area, (Role.DISTRICT_ADMIN, Role.STREET_STAFF)
    )


@rules.predicate
def status_officer(user, organization):
    return organization is not None and staff_in(
        user, organization.home_area, (Role.DISTRICT_ADMIN,)
    )


rules.add_perm(
    "registry.submit_registration", rules.is_superuser | is_applicant | registration_clerk
)
rules.add_perm("registry.edit_registration", rules.is_superuser | is_applicant | registration_clerk)
rules.add_perm("registry.accept_registration", rules.is_superuser | registration_clerk)
rules.add_perm("registry.return_registration", rules.is_superuser | registration_clerk)
rules.add_perm("registry.decide_registration", rules.is_superuser | registration_decider)
rules.add_perm("registry.resubmit_filing", rules.is_superuser | is_applicant)
rules.add_perm("registry.review_filing", rules.is_superuser | community_reviewer)
rules.add_perm("registry.file_filing", rules.is_superuser | street_federation)
rules.add_perm("registry.submit_annual_report", rules.is_superuser | member_of)
rules.add_perm("registry.conclude_annual_report", rules.is_superuser | inspection_clerk)
rules.add_perm("registry.change_status", rules.is_superuser | status_officer)


@rules.predicate
def group_federation(user, organization):
    return (
        organization is not None
        and organization.is_filed
        and staff_in(user, organization.home_area, (Role.FEDERATION_STAFF,))
    )


@rules.predicate
def record_editor(user, organization):
    """District staff: every organization; street and federation staff: filed community
    groups homed in their street; community staff: none (DESIGN.md, "Decisions")."""
    if organization is None:
        return False
    if staff_in(user, organization.home_area, (Role.DISTRICT_ADMIN,)):
        return True
    return organization.is_filed and staff_in(
        user, organization.home_area, (Role.STREET_STAFF, Role.FEDERATION_STAFF)
    )


rules.add_perm("registry.record_agency_service", rules.is_superuser | group_federation)
rules.add_perm("registry.apply_certification", rules.is_superuser | member_of)
rules.add_perm("registry.decide_certification", rules.is_superuser | status_officer)
rules.add_perm("registry.hold_interview", rules.is_superuser | inspection_clerk)
rules.add_perm("registry.open_deregistration", rules.is_superuser | member_of | status_officer)
rules.add_perm("registry.manage_deregistration", rules.is_superuser | status_officer)
rules.add_perm("registry.edit_organization", rules.is_superuser | record_editor)
rules.add_perm("registry.enter_organization", rules.is_superuser | status_officer)
# Inspection years and certification batches: district-wide reference data.
rules.add_perm("registry.manage_reference_data", rules.is_superuser | is_district_admin)
