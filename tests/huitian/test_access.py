"""The permission matrix (K2): each role sees its own area's records and not a sibling's,
through the one scoping door, in the admin lists, and read-only roles cannot write."""

import pytest

from huitian.access import can_change, visible, writable
from huitian.models import Role
from registry.models import Organization
from tests.conftest import COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B1, make_user

pytestmark = pytest.mark.django_db


def make_org(name, area, level="district"):
    return Organization.objects.create(
        name=name,
        legal_form=Organization.LegalForm.COMMUNITY_GROUP,
        registration_level=Organization.RegistrationLevel.FILED,
        home_area=area,
    )


@pytest.fixture
def orgs(cast):
    return {
        "a1": make_org("回龙观A1舞蹈队", cast.area(COMMUNITY_A1)),
        "a2": make_org("回龙观A2书画社", cast.area(COMMUNITY_A2)),
        "b1": make_org("天通苑北B1志愿队", cast.area(COMMUNITY_B1)),
    }


# role → which of the three organizations it may read, and which it may change
MATRIX = [
    ("district", {"a1", "a2", "b1"}, {"a1", "a2", "b1"}),
    ("auditor", {"a1", "a2", "b1"}, set()),
    ("evaluator", set(), set()),  # an outside party: its street A grant opens no records
    ("street_a", {"a1", "a2"}, {"a1", "a2"}),
    ("street_b", {"b1"}, {"b1"}),
    ("federation_a", {"a1", "a2"}, {"a1", "a2"}),
    ("community_a1", {"a1"}, {"a1"}),
    ("community_a2", {"a2"}, {"a2"}),
    ("community_b1", {"b1"}, {"b1"}),
    ("resident", set(), set()),
    ("nobody", set(), set()),
]


@pytest.mark.parametrize(("who", "sees", "changes"), MATRIX)
def test_scoping_matrix(cast, orgs, who, sees, changes):
    user = getattr(cast, who)
    names = {v.pk: k for k, v in orgs.items()}
    assert {names[o.pk] for o in visible(user, Organization.objects.all())} == sees
    assert {names[o.pk] for o in writable(user, Organization.objects.all())} == changes
    for key, org in orgs.items():
        assert can_change(user, org) == (key in changes)


def test_organization_member_sees_only_their_organization(cast, orgs):
    member = make_user("member_a1", Role.ORG_MEMBER, organization=orgs["a1"])
    assert list(visible(member, Organization.objects.all())) == [orgs["a1"]]
    assert can_change(member, orgs["a1"]) and not can_change(member, orgs["b1"])


def test_anonymous_sees_no_scoped_records_but_public_areas(orgs):
    from django.contrib.auth.models import AnonymousUser

    from huitian.models import Area

    assert not visible(AnonymousUser(), Organization.objects.all()).exists()
    assert visible(AnonymousUser(), Area.objects.all()).count() == 154
    assert not writable(AnonymousUser(), Area.objects.all()).exists()


@pytest.mark.parametrize(
    ("who", "sees"), [(w, s) for w, s, _c in MATRIX if w not in ("resident", "nobody")]
)
def test_admin_change_list_holds_only_the_users_area(cast, orgs, client_as, who, sees):
    page = client_as(getattr(cast, who)).get("/admin/registry/organization/")
    assert page.status_code == 200
    html = page.content.decode()
    for key, org in orgs.items():
        assert (org.name in html) == (key in sees), f"{who} / {org.name}"


def test_admin_sibling_record_is_not_found(cast, orgs, client_as):
    page = client_as(cast.street_b).get(f"/admin/registry/organization/{orgs['a1'].pk}/change/")
    # Django's admin answers a record outside get_queryset with a redirect and "does not exist".
    assert page.status_code == 302
    follow = client_as(cast.street_b).get(page["Location"])
    assert orgs["a1"].name not in follow.content.decode()


def test_admin_read_only_roles_see_but_cannot_save(cast, orgs, client_as):
    url = f"/admin/registry/organization/{orgs['a1'].pk}/change/"
    page = client_as(cast.auditor).get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    post = client_as(cast.auditor).post(url, {"name": "改名", "legal_form": "community_group"})
    assert post.status_code == 403
    orgs["a1"].refresh_from_db()
    assert orgs["a1"].name == "回龙观A1舞蹈队"


def test_residents_and_members_have_no_admin(cast, client_as):
    page = client_as(cast.resident).get("/admin/")
    assert page.status_code == 302 and "/admin/login/" in page["Location"]


def test_staff_role_must_sit_at_its_level(cast):
    from django.core.exceptions import ValidationError

    from huitian import services

    with pytest.raises(ValidationError) as err:
        services.assign_role(user=cast.nobody, role=Role.STREET_STAFF, area=cast.area(COMMUNITY_A1))
    assert "area" in err.value.message_dict


def test_users_admin_is_scoped_to_the_staff_area(cast, client_as):
    html = client_as(cast.street_a).get("/admin/huitian/user/").content.decode()
    assert "community_a1" in html and "community_b1" not in html
    assert (
        client_as(cast.street_a)
        .get(f"/admin/huitian/user/{cast.community_a1.pk}/change/")
        .status_code
        == 200
    )
    # only district administrators hand out accounts and roles
    assert client_as(cast.street_a).post("/admin/huitian/user/add/", {}).status_code == 403


def test_area_admin_district_renames_and_retires_street_staff_cannot(cast, client_as):
    area = cast.area(COMMUNITY_A2)
    url = f"/admin/huitian/area/{area.pk}/change/"
    assert client_as(cast.street_a).post(url, {"name": "x", "is_active": ""}).status_code == 403
    done = client_as(cast.district).post(url, {"name": "新名称社区居委会", "is_active": ""})
    assert done.status_code == 302
    area.refresh_from_db()
    assert (area.name, area.is_active, area.code) == ("新名称社区居委会", False, COMMUNITY_A2)
    # the change is in the audit history
    assert area.history.first().history_user == cast.district


def test_admin_forms_refuse_nul_and_overlong_text_and_keep_emoji(cast, client_as):
    area = cast.area(COMMUNITY_A2)
    url = f"/admin/huitian/area/{area.pk}/change/"
    nul = client_as(cast.district).post(url, {"name": "龙\x00博苑", "is_active": "on"})
    assert nul.status_code == 200 and "errorlist" in nul.content.decode()
    long = client_as(cast.district).post(url, {"name": "长" * 10_000, "is_active": "on"})
    assert long.status_code == 200 and "errorlist" in long.content.decode()
    emoji = client_as(cast.district).post(url, {"name": "万润家园🏠社区 Wanrun", "is_active": "on"})
    assert emoji.status_code == 302
    area.refresh_from_db()
    assert area.name == "万润家园🏠社区 Wanrun"


def test_a_new_community_is_inside_its_street_at_once(cast, django_capture_on_commit_callbacks):
    from huitian.models import Area

    assert not visible(cast.street_a, Organization.objects.all()).exists()  # warms the cache
    with django_capture_on_commit_callbacks(execute=True):
        new = Area.objects.create(
            code="110114011999",
            name="新建社区居委会",
            level="community",
            parent=cast.area("110114011"),
        )
    org = make_org("新社区合唱团", new)
    assert list(visible(cast.street_a, Organization.objects.all())) == [org]
    assert not visible(cast.street_b, Organization.objects.all()).exists()


def test_a_community_moved_to_another_street_changes_both_clerks_scope_at_once(
    cast, orgs, django_capture_on_commit_callbacks
):
    street_a, street_b = cast.street_a, cast.street_b
    assert orgs["a2"] in visible(street_a, Organization.objects.all())  # remembered now
    moved = cast.area(COMMUNITY_A2)
    with django_capture_on_commit_callbacks(execute=True):
        moved.parent = cast.area(COMMUNITY_B1).parent
        moved.save()
    # Each process remembers the ids under a street per tree version; the save bumps it.
    assert orgs["a2"] not in visible(street_a, Organization.objects.all())
    assert orgs["a2"] in visible(street_b, Organization.objects.all())


@pytest.mark.parametrize(
    "who",
    ["district", "auditor", "evaluator", "street_a", "federation_a", "community_a1", "resident"],
)
def test_the_bearers_one_query_reads_the_same_grants_as_the_plain_read(cast, orgs, who):
    from huitian.access import grants, take_grants, user_with_grants
    from huitian.models import RoleAssignment, User

    member = make_user("member_b1", Role.ORG_MEMBER, organization=orgs["b1"])
    RoleAssignment.objects.create(  # a grant taken back counts on neither path
        user=getattr(cast, who),
        role=Role.DISTRICT_ADMIN,
        area=cast.area(COMMUNITY_B1),
        is_active=False,
    )
    for user in (getattr(cast, who), member):
        read = user_with_grants(User, user.pk)
        take_grants(read)
        plain = User.objects.get(pk=user.pk)
        assert sorted(grants(read), key=repr) == sorted(grants(plain), key=repr)
        assert grants(plain)  # every one of them holds a grant: the comparison says something
