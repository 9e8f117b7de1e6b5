"""Only superusers change superusers (issue 7 item 3): password, active flag, groups,
roles, any field, on every admin door. District administrators manage everyone else."""

import pytest

from huitian.models import RoleAssignment
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def root():
    return make_user("root", is_superuser=True, is_staff=True)


def test_district_admin_cannot_set_a_superusers_password(cast, client_as, root):
    url = f"/admin/huitian/user/{root.pk}/password/"
    assert client_as(cast.district).get(url).status_code == 403
    r = client_as(cast.district).post(
        url, {"password1": "takeover-Pa55word!", "password2": "takeover-Pa55word!"}
    )
    assert r.status_code == 403
    root.refresh_from_db()
    assert root.check_password(PASSWORD)


def test_district_admin_cannot_edit_or_deactivate_a_superuser(cast, client_as, root):
    url = f"/admin/huitian/user/{root.pk}/change/"
    page = client_as(cast.district).get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    r = client_as(cast.district).post(
        url,
        {
            "username": "root",
            "email": "evil@example.cn",
            "is_active": "",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    assert r.status_code == 403
    root.refresh_from_db()
    assert root.is_active and root.email == "root@example.cn"


def test_district_admin_cannot_give_a_superuser_roles(cast, client_as, root):
    r = client_as(cast.district).post(
        f"/admin/huitian/user/{root.pk}/change/",
        {
            "username": "root",
            "is_active": "on",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-0-role": "resident",
            "role_assignments-0-is_active": "on",
        },
    )
    assert r.status_code == 403
    assert not RoleAssignment.objects.filter(user=root).exists()


def test_district_admin_still_manages_ordinary_accounts(cast, client_as):
    url = f"/admin/huitian/user/{cast.street_b.pk}/password/"
    r = client_as(cast.district).post(
        url, {"password1": "new-Pa55word-xyz!", "password2": "new-Pa55word-xyz!"}
    )
    assert r.status_code == 302
    cast.street_b.refresh_from_db()
    assert cast.street_b.check_password("new-Pa55word-xyz!")


def test_superuser_manages_superusers(client_as, root):
    other = make_user("root2", is_superuser=True, is_staff=True)
    r = client_as(root).post(
        f"/admin/huitian/user/{other.pk}/password/",
        {"password1": "new-Pa55word-xyz!", "password2": "new-Pa55word-xyz!"},
    )
    assert r.status_code == 302


@pytest.mark.parametrize("who", ["street_a", "community_a1", "auditor", "evaluator"])
def test_other_staff_change_no_account_password(cast, client_as, who):
    target = cast.community_a1 if who != "community_a1" else cast.resident
    url = f"/admin/huitian/user/{target.pk}/password/"
    r = client_as(getattr(cast, who)).post(
        url, {"password1": "new-Pa55word-xyz!", "password2": "new-Pa55word-xyz!"}
    )
    assert r.status_code in (403, 404, 302)
    target.refresh_from_db()
    assert target.check_password(PASSWORD)


def test_evaluator_gets_no_user_list(cast, client_as):
    assert client_as(cast.evaluator).get("/admin/huitian/user/").status_code == 403
    r = client_as(cast.evaluator).get(f"/admin/huitian/user/{cast.resident.pk}/change/")
    assert r.status_code in (302, 403, 404)
    assert client_as(cast.auditor).get("/admin/huitian/user/").status_code == 200
