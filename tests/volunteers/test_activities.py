"""V2: activities, sign-ups with a waitlist, check-in codes, verified hours, 复制推广."""

import datetime
import threading
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from huitian.access import Forbidden, visible
from huitian.models import Area, Notification, Role
from huitian.workflow import WorkflowError
from tests.conftest import make_user
from tests.volunteers.factories import activity, volunteer
from volunteers import selectors, services
from volunteers.error_codes import ErrorCode
from volunteers.models import Activity, Signup

pytestmark = pytest.mark.django_db

A1 = "110114011001"


def refused(expected, fn, **kwargs):
    with pytest.raises(WorkflowError) as err:
        fn(**kwargs)
    assert err.value.code == expected, err.value.detail
    assert str(err.value.detail)
    return err.value


def test_publishing_is_for_the_community_staff_team_leaders_and_organizations(cast):
    a = activity(cast.community_a1)
    assert a.state == Activity.State.PUBLISHED
    with pytest.raises(Forbidden):
        activity(cast.community_b1)  # community A1 is not theirs
    with pytest.raises(Forbidden):
        activity(cast.auditor)  # read-only role
    with pytest.raises(Forbidden):
        activity(cast.resident)
    assert activity(cast.street_a).community.code == A1
    assert activity(cast.district).community.code == A1


def test_publishing_refuses_bad_times_and_places(cast):
    with pytest.raises(ValidationError) as err:
        activity(cast.community_a1, hours=-1)
    assert "ends_at" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        activity(cast.community_a1, starts_in=-datetime.timedelta(hours=1))
    assert "starts_at" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        activity(cast.community_a1, places=0)
    assert "places" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        activity(cast.community_a1, title="长" * 101)
    assert "title" in err.value.message_dict


def test_waitlist_and_promotion_on_cancellation(cast):
    a = activity(cast.community_a1, places=1)
    first, second = volunteer(cast.resident), volunteer(cast.resident_other)
    s1 = services.sign_up(activity_id=a.pk, by=first.user)
    s2 = services.sign_up(activity_id=a.pk, by=second.user)
    assert (s1.state, s2.state) == (Signup.State.CONFIRMED, Signup.State.WAITLISTED)
    services.cancel_signup(signup_id=s1.pk, by=first.user)
    s1.refresh_from_db()
    s2.refresh_from_db()
    assert s1.state == Signup.State.CANCELLED and s2.state == Signup.State.CONFIRMED
    assert Notification.objects.filter(recipient=second.user, kind="volunteers.promoted").exists()
    refused(ErrorCode.NOT_SIGNED_UP, services.cancel_signup, signup_id=s1.pk, by=first.user)
    # cancelled, the volunteer may sign up again (and is waitlisted now)
    assert services.sign_up(activity_id=a.pk, by=first.user).state == Signup.State.WAITLISTED


def test_someone_else_cannot_cancel_my_signup(cast):
    a = activity(cast.community_a1)
    v = volunteer(cast.resident)
    volunteer(cast.resident_other)
    s = services.sign_up(activity_id=a.pk, by=v.user)
    with pytest.raises(Forbidden):
        services.cancel_signup(signup_id=s.pk, by=cast.resident_other)
    with pytest.raises(Forbidden):
        services.cancel_signup(signup_id=s.pk, by=cast.community_b1)
    services.cancel_signup(signup_id=s.pk, by=cast.community_a1)


def test_sign_up_refusals(cast):
    a = activity(cast.community_a1)
    v = volunteer(cast.resident)
    refused(ErrorCode.NOT_A_VOLUNTEER, services.sign_up, activity_id=a.pk, by=cast.nobody)
    services.sign_up(activity_id=a.pk, by=v.user)
    refused(ErrorCode.ALREADY_SIGNED_UP, services.sign_up, activity_id=a.pk, by=v.user)
    overlapping = activity(cast.community_a1, starts_in=datetime.timedelta(days=2, hours=1))
    refused(ErrorCode.OVERLAPPING_ACTIVITY, services.sign_up, activity_id=overlapping.pk, by=v.user)
    later = activity(cast.community_a1, starts_in=datetime.timedelta(days=2, hours=3))
    assert services.sign_up(activity_id=later.pk, by=v.user).state == Signup.State.CONFIRMED


def test_under_the_minimum_age_is_refused(cast):
    a = activity(cast.community_a1, min_age=18)
    young_birth = (timezone.localdate() - datetime.timedelta(days=365 * 16)).strftime("%Y%m%d")
    minor = volunteer(cast.resident, birth=young_birth)
    err = refused(ErrorCode.TOO_YOUNG, services.sign_up, activity_id=a.pk, by=minor.user)
    assert "18" in str(err.detail)
    adult = volunteer(cast.resident_other)
    assert services.sign_up(activity_id=a.pk, by=adult.user).state == Signup.State.CONFIRMED


def test_a_started_activity_takes_no_signups(cast):
    a = activity(cast.community_a1, starts_in=datetime.timedelta(minutes=5))
    v = volunteer(cast.resident)
    with time_machine.travel(a.starts_at + datetime.timedelta(minutes=1)):
        refused(ErrorCode.ACTIVITY_CLOSED, services.sign_up, activity_id=a.pk, by=v.user)


def _signed_up(cast, **extra):
    a = activity(cast.community_a1, starts_in=datetime.timedelta(minutes=30), **extra)
    v = volunteer(cast.resident)
    return a, services.sign_up(activity_id=a.pk, by=v.user)


def test_volunteer_checks_in_and_out_with_one_time_codes(cast):
    a, s = _signed_up(cast, hours=2)
    with time_machine.travel(a.starts_at - datetime.timedelta(minutes=5), tick=False):
        code = services.issue_checkin_code(activity_id=a.pk, by=cast.community_a1)
        refused(
            ErrorCode.NOT_CHECKED_IN,
            services.check_out,
            signup_id=s.pk,
            by=cast.resident,
            code=code.code,
        )
        refused(
            ErrorCode.CODE_INVALID,
            services.check_in,
            signup_id=s.pk,
            by=cast.resident,
            code="000000" if code.code != "000000" else "111111",
        )
        services.check_in(signup_id=s.pk, by=cast.resident, code=code.code)
        refused(
            ErrorCode.ALREADY_CHECKED_IN,
            services.check_in,
            signup_id=s.pk,
            by=cast.resident,
            code=code.code,
        )
    with time_machine.travel(a.starts_at + datetime.timedelta(hours=1), tick=False):
        refused(
            ErrorCode.CODE_USED,
            services.check_out,
            signup_id=s.pk,
            by=cast.resident,
            code=code.code,
        )
        expired = services.issue_checkin_code(activity_id=a.pk, by=cast.community_a1)
    with time_machine.travel(a.starts_at + datetime.timedelta(hours=1, minutes=11), tick=False):
        refused(
            ErrorCode.CODE_EXPIRED,
            services.check_out,
            signup_id=s.pk,
            by=cast.resident,
            code=expired.code,
        )
    # beyond the activity's end: hours stop at the end of the span
    with time_machine.travel(a.ends_at + datetime.timedelta(minutes=30), tick=False):
        fresh = services.issue_checkin_code(activity_id=a.pk, by=cast.community_a1)
        s = services.check_out(signup_id=s.pk, by=cast.resident, code=fresh.code)
    assert s.hours == Decimal("2.00")


def test_codes_are_issued_by_organizers_and_used_by_the_volunteer_only(cast):
    a, s = _signed_up(cast)
    with pytest.raises(Forbidden):
        services.issue_checkin_code(activity_id=a.pk, by=cast.community_b1)
    with pytest.raises(Forbidden):
        services.issue_checkin_code(activity_id=a.pk, by=cast.resident)
    with time_machine.travel(a.starts_at, tick=False):
        code = services.issue_checkin_code(activity_id=a.pk, by=cast.community_a1)
        with pytest.raises(Forbidden):
            services.check_in(signup_id=s.pk, by=cast.resident_other, code=code.code)
        with pytest.raises(Forbidden):
            services.check_in(signup_id=s.pk, by=cast.community_b1)


def test_check_in_opens_an_hour_before_and_closes_at_the_end(cast):
    a = activity(cast.community_a1, starts_in=datetime.timedelta(hours=3))
    v = volunteer(cast.resident)
    s = services.sign_up(activity_id=a.pk, by=v.user)
    refused(ErrorCode.CHECKIN_NOT_OPEN, services.check_in, signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.ends_at + datetime.timedelta(minutes=1)):
        refused(ErrorCode.CHECKIN_NOT_OPEN, services.check_in, signup_id=s.pk, by=cast.community_a1)


def test_organizer_checks_out_and_confirms_hours_never_beyond_the_span(cast):
    a, s = _signed_up(cast, hours=3)
    refused(ErrorCode.NOT_CHECKED_IN, services.check_out, signup_id=s.pk, by=cast.community_a1)
    refused(ErrorCode.NOT_CHECKED_IN, services.confirm_hours, signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.starts_at, tick=False):
        services.check_in(signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.starts_at + datetime.timedelta(hours=2, minutes=30), tick=False):
        s = services.check_out(signup_id=s.pk, by=cast.community_a1)
        refused(
            ErrorCode.ALREADY_CHECKED_OUT, services.check_out, signup_id=s.pk, by=cast.community_a1
        )
    assert s.hours == Decimal("2.50")
    with pytest.raises(Forbidden):
        services.confirm_hours(signup_id=s.pk, by=cast.community_b1)
    with pytest.raises(Forbidden):
        services.confirm_hours(signup_id=s.pk, by=cast.resident)
    refused(
        ErrorCode.HOURS_BEYOND_SPAN,
        services.confirm_hours,
        signup_id=s.pk,
        by=cast.community_a1,
        hours=Decimal("3.5"),
    )
    s = services.confirm_hours(signup_id=s.pk, by=cast.community_a1, hours=Decimal("3"))
    assert s.hours == Decimal("3.00") and s.hours_confirmed_by == cast.community_a1
    refused(
        ErrorCode.HOURS_ALREADY_CONFIRMED,
        services.confirm_hours,
        signup_id=s.pk,
        by=cast.community_a1,
    )
    assert selectors.verified_hours(s.volunteer) == Decimal("3.00")


def test_unconfirmed_hours_are_not_verified(cast):
    a, s = _signed_up(cast)
    with time_machine.travel(a.starts_at, tick=False):
        services.check_in(signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.starts_at + datetime.timedelta(hours=1), tick=False):
        services.check_out(signup_id=s.pk, by=cast.community_a1)
    assert selectors.verified_hours(s.volunteer) == Decimal("0.00")


def test_a_team_leader_organizes_the_team_activity(cast):
    services.ensure_community_teams()
    from volunteers.models import Team

    team = Team.objects.get(kind=Team.Kind.COMMUNITY, area=cast.area(A1))
    leader = volunteer(cast.resident)
    m = services.join_team(team_id=team.pk, by=cast.resident)
    with pytest.raises(Forbidden):
        activity(cast.resident, team=team)
    services.appoint_leader(membership_id=m.pk, by=cast.community_a1)
    a = activity(leader.user, team=team)
    assert cast.resident.has_perm("volunteers.organize_activity", a)
    assert not cast.resident_other.has_perm("volunteers.organize_activity", a)


def test_signups_are_seen_by_the_volunteer_and_the_area_staff(cast):
    _a, s = _signed_up(cast)
    qs = Signup.objects.all()
    assert list(visible(cast.resident, qs)) == [s]
    assert list(visible(cast.community_a1, qs)) == [s]
    assert list(visible(cast.resident_other, qs)) == []
    assert list(visible(cast.community_b1, qs)) == []
    assert list(visible(cast.street_b, qs)) == []


def _successful(cast):
    a, s = _signed_up(cast)
    with time_machine.travel(a.starts_at, tick=False):
        services.check_in(signup_id=s.pk, by=cast.community_a1)
    with time_machine.travel(a.ends_at, tick=False):
        services.check_out(signup_id=s.pk, by=cast.community_a1)
        services.confirm_hours(signup_id=s.pk, by=cast.community_a1)
    return a


def test_copying_a_successful_activity_to_other_communities(cast):
    fresh = activity(cast.community_a1)
    assert services.why_not_copy(activity=fresh)
    a = _successful(cast)
    later = timezone.now() + datetime.timedelta(days=7)
    kwargs = {"starts_at": later, "ends_at": later + datetime.timedelta(hours=2)}
    with time_machine.travel(a.ends_at + datetime.timedelta(hours=1)):
        refused(
            ErrorCode.NOT_SUCCESSFUL,
            services.copy_activity,
            activity_id=fresh.pk,
            by=cast.community_a2,
            community=cast.area("110114011002"),
            **kwargs,
        )
        copy = services.copy_activity(
            activity_id=a.pk, by=cast.community_a2, community=cast.area("110114011002"), **kwargs
        )
        with pytest.raises(Forbidden):
            services.copy_activity(
                activity_id=a.pk,
                by=cast.community_a2,
                community=cast.area("110114008001"),
                **kwargs,
            )
        copy_b = services.copy_activity(
            activity_id=a.pk, by=cast.district, community=cast.area("110114008001"), **kwargs
        )
    assert copy.copied_from == a and copy.title == a.title
    assert copy_b.copied_from == a
    assert [c.community.code for c in selectors.spread_of(a)] == ["110114011002", "110114008001"]


@pytest.mark.django_db(transaction=True)
def test_the_last_place_taken_at_the_same_moment_goes_to_exactly_one():
    from huitian import services as kernel

    kernel.load_areas()
    community = Area.objects.get(code=A1)
    staff = make_user("race_staff", Role.COMMUNITY_STAFF, community)
    a = activity(staff, places=1)
    racers = [volunteer(make_user(f"racer{i}", Role.RESIDENT, community)) for i in range(2)]
    barrier = threading.Barrier(2)
    results = []

    def take(v):
        try:
            barrier.wait()
            results.append(services.sign_up(activity_id=a.pk, by=v.user).state)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(v,)) for v in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [Signup.State.CONFIRMED, Signup.State.WAITLISTED]
    assert Signup.objects.filter(activity=a, state=Signup.State.CONFIRMED).count() == 1


def test_an_organization_publishes_and_organizes_its_own_activity(cast):
    from tests.registry.factories import OrganizationFactory

    org, other = OrganizationFactory(), OrganizationFactory()
    member = make_user("act_member", Role.ORG_MEMBER, organization=org)
    a = activity(member, organization=org)
    assert a.organization == org
    with pytest.raises(Forbidden):
        activity(member, organization=other)
    v = volunteer(cast.resident)
    s = services.sign_up(activity_id=a.pk, by=v.user)
    with time_machine.travel(a.starts_at, tick=False):
        services.check_in(signup_id=s.pk, by=member)
    # the organization's member sees the sign-up of its activity, not others'
    assert list(visible(member, Signup.objects.all())) == [s]


def test_street_and_federation_staff_organize_inside_their_street_only(cast):
    a = activity(cast.community_a1)
    assert cast.federation_a.has_perm("volunteers.organize_activity", a)
    assert cast.street_a.has_perm("volunteers.organize_activity", a)
    assert not cast.federation_b.has_perm("volunteers.organize_activity", a)
    assert not cast.street_b.has_perm("volunteers.organize_activity", a)
    assert not cast.auditor.has_perm("volunteers.organize_activity", a)
    assert not cast.evaluator.has_perm("volunteers.organize_activity", a)
