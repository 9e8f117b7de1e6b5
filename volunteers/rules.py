"""Who may act in the volunteers app (django-rules); services call `require()`.

Organizers of an activity: staff of its community's areas (community, street,
federation, district), members of the organizing organization, and leaders of
the organizing team. Team management: staff of the team's area, or members of
its organization.
"""

import rules

from huitian.access import organization_ids, staff_in
from huitian.models import Role

ORGANIZER_STAFF = (
    Role.DISTRICT_ADMIN,
    Role.STREET_STAFF,
    Role.FEDERATION_STAFF,
    Role.COMMUNITY_STAFF,
)


def leads_team(user, team_id) -> bool:
    from volunteers.models import Membership

    if not team_id or not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        team_id=team_id,
        volunteer__user=user,
        role=Membership.Role.LEADER,
        left_at__isnull=True,
    ).exists()


@rules.predicate
def staff_of_community(user, community):
    return community is not None and staff_in(user, community, ORGANIZER_STAFF)


@rules.predicate
def organizes(user, activity):
    if activity is None:
        return False
    return (
        staff_in(user, activity.community, ORGANIZER_STAFF)
        or (
            activity.organization_id is not None
            and activity.organization_id in organization_ids(user)
        )
        or leads_team(user, activity.team_id)
    )


@rules.predicate
def manages_team(user, team):
    if team is None:
        return False
    return (
        staff_in(user, team.area, ORGANIZER_STAFF)
        or (team.organization_id is not None and team.organization_id in organization_ids(user))
        or leads_team(user, team.pk)
    )


@rules.predicate
def manages_volunteer(user, volunteer):
    return volunteer is not None and staff_in(user, volunteer.community, ORGANIZER_STAFF)


rules.add_perm("volunteers.organize_activity", rules.is_superuser | organizes)
rules.add_perm("volunteers.manage_team", rules.is_superuser | manages_team)
rules.add_perm("volunteers.manage_volunteer", rules.is_superuser | manages_volunteer)
rules.add_perm("volunteers.staff_of_community", rules.is_superuser | staff_of_community)


# The district's volunteer federation and district administrators review the project
# library, the volunteer fund and run the college; street staff run their own courses.
DISTRICT_REVIEWERS = (Role.DISTRICT_ADMIN, Role.FEDERATION_STAFF)


def _district():
    from huitian.models import Area

    return Area.objects.filter(level=Area.Level.DISTRICT).order_by("code").first()


@rules.predicate
def reviews_district(user):
    return staff_in(user, _district(), DISTRICT_REVIEWERS)


@rules.predicate
def submits_project(user, organization):
    return organization is not None and organization.pk in organization_ids(user)


@rules.predicate
def staff_of_area(user, area):
    return area is not None and staff_in(user, area, ORGANIZER_STAFF)


rules.add_perm("volunteers.review_district", rules.is_superuser | reviews_district)
rules.add_perm("volunteers.submit_project", rules.is_superuser | submits_project)
rules.add_perm("volunteers.staff_of_area", rules.is_superuser | staff_of_area)
