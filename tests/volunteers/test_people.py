"""V1: registering volunteers under their real identity, teams and memberships."""

import pytest
from django.core.exceptions import ValidationError

from huitian.access import Forbidden, visible
from huitian.models import Area
from huitian.workflow import WorkflowError
from tests.volunteers.factories import id_number, volunteer
from volunteers import services
from volunteers.error_codes import ErrorCode
from volunteers.models import DutyKind, Membership, Team, Volunteer

pytestmark = pytest.mark.django_db


def register(user, community, number, **extra):
    values = {
        "by": user,
        "real_name": "王芳",
        "id_number": number,
        "phone": "139 1234 5678",
        "community": community,
    }
    values.update(extra)
    return services.register_volunteer(**values)


def test_registration_keeps_only_a_digest_and_the_last_four(cast):
    number = id_number("19850615", 7)
    v = register(cast.resident, cast.area("110114011001"), number)
    v.refresh_from_db()
    assert v.id_last4 == number[-4:]
    assert str(v.birth_date) == "1985-06-15"
    assert v.phone == "13912345678"
    assert v.masked_phone == "139****5678"
    row = Volunteer.objects.filter(pk=v.pk).values().get()
    assert number not in repr(row)
    assert all(number not in repr(h.__dict__) for h in v.history.all())
    assert v.id_number_digest == services.id_number_digest(number.lower())


def _wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.mark.parametrize(
    "number, code",
    [("11010819900101123", "id_length"), (_wrong_check(id_number("19900101", 5)), "id_checksum")],
)
def test_bad_id_numbers_are_refused_beside_the_field(cast, number, code):
    with pytest.raises(ValidationError) as err:
        register(cast.resident, cast.area("110114011001"), number)
    assert "id_number" in err.value.message_dict
    assert not Volunteer.objects.exists()


def test_an_impossible_birth_date_is_refused(cast):
    from stdnum.cn import ric

    body = "11010819900231001"  # 31 February
    with pytest.raises(ValidationError) as err:
        register(cast.resident, cast.area("110114011001"), body + ric.calc_check_digit(body + "0"))
    assert "id_number" in err.value.message_dict


def test_one_registration_per_person_and_per_number(cast):
    number = id_number()
    register(cast.resident, cast.area("110114011001"), number)
    with pytest.raises(WorkflowError) as err:
        register(cast.resident, cast.area("110114011001"), id_number())
    assert err.value.code == ErrorCode.ALREADY_REGISTERED
    with pytest.raises(ValidationError) as err:
        register(cast.resident_other, cast.area("110114011001"), number)
    assert err.value.error_dict["id_number"][0].code == ErrorCode.ID_NUMBER_TAKEN


def test_registration_needs_a_community_and_a_phone(cast):
    with pytest.raises(ValidationError) as err:
        register(cast.resident, cast.area("110114011"), id_number())
    assert "community" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        register(cast.resident, cast.area("110114011001"), id_number(), phone="12")
    assert "phone" in err.value.message_dict


def test_volunteers_are_seen_by_their_areas_staff_and_themselves(cast):
    v = volunteer(cast.resident, community=cast.area("110114011001"))
    qs = Volunteer.objects.all()
    assert list(visible(cast.community_a1, qs)) == [v]
    assert list(visible(cast.street_a, qs)) == [v]
    assert list(visible(cast.district, qs)) == [v]
    assert list(visible(cast.resident, qs)) == [v]
    assert list(visible(cast.community_a2, qs)) == []
    assert list(visible(cast.street_b, qs)) == []
    assert list(visible(cast.resident_other, qs)) == []


def test_every_community_gets_one_team_with_the_duty_kinds(cast):
    DutyKind.objects.create(name="治安巡逻员", order=1)
    DutyKind.objects.create(name="环境监督员", order=2)
    created = services.ensure_community_teams()
    communities = Area.objects.filter(level="community", is_active=True).count()
    assert created == communities + 1
    assert services.ensure_community_teams() == 0
    team = Team.objects.get(kind=Team.Kind.COMMUNITY, area=cast.area("110114011001"))
    assert team.duty_kinds.count() == 2
    assert Team.objects.filter(kind=Team.Kind.DISTRICT).count() == 1


def test_organization_teams_are_created_by_their_members_only(cast):
    from huitian.models import Role
    from tests.conftest import make_user
    from tests.registry.factories import OrganizationFactory

    org = OrganizationFactory()
    member = make_user("orgm", Role.ORG_MEMBER, organization=org)
    team = services.create_team(
        by=member,
        name="阳光助老队",
        kind=Team.Kind.ORGANIZATION,
        area=org.home_area,
        organization=org,
    )
    assert team.organization == org
    with pytest.raises(Forbidden):
        services.create_team(
            by=cast.resident,
            name="x",
            kind=Team.Kind.ORGANIZATION,
            area=org.home_area,
            organization=org,
        )


def test_join_leave_and_leaders_keep_history(cast):
    services.ensure_community_teams()
    team = Team.objects.get(kind=Team.Kind.COMMUNITY, area=cast.area("110114011001"))
    v = volunteer(cast.resident)
    m = services.join_team(team_id=team.pk, by=cast.resident)
    with pytest.raises(WorkflowError) as err:
        services.join_team(team_id=team.pk, by=cast.resident)
    assert err.value.code == ErrorCode.ALREADY_MEMBER
    with pytest.raises(Forbidden):
        services.appoint_leader(membership_id=m.pk, by=cast.community_b1)
    services.appoint_leader(membership_id=m.pk, by=cast.community_a1)
    services.leave_team(membership_id=m.pk, by=cast.resident)
    m2 = services.join_team(team_id=team.pk, by=cast.resident)
    assert Membership.objects.filter(volunteer=v).count() == 2
    assert m2.role == Membership.Role.MEMBER
    m.refresh_from_db()
    assert m.left_at is not None and m.role == Membership.Role.LEADER
    assert m.history.count() == 3  # joined, made leader, left
    with pytest.raises(WorkflowError):
        services.leave_team(membership_id=m.pk, by=cast.resident)


def test_staff_add_volunteers_to_teams_of_their_area_only(cast):
    services.ensure_community_teams()
    team = Team.objects.get(kind=Team.Kind.COMMUNITY, area=cast.area("110114011001"))
    v = volunteer(cast.resident)
    with pytest.raises(Forbidden):
        services.join_team(team_id=team.pk, by=cast.community_b1, volunteer_id=v.pk)
    with pytest.raises(Forbidden):
        services.join_team(team_id=team.pk, by=cast.auditor, volunteer_id=v.pk)
    m = services.join_team(team_id=team.pk, by=cast.community_a1, volunteer_id=v.pk)
    assert list(visible(cast.community_a1, Membership.objects.all())) == [m]
    assert list(visible(cast.community_b1, Membership.objects.all())) == []
    assert list(visible(cast.resident, Membership.objects.all())) == [m]
