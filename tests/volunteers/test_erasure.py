"""A resident who had registered as a volunteer asks for their account to be erased."""

import pytest

from huitian.signup import erase_account
from tests.volunteers.factories import id_number, volunteer
from volunteers import services
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_erasure_leaves_no_person_on_the_volunteer_row_or_its_history(areas):
    registered = volunteer(name="张三丰", birth="19850617")
    user = registered.user
    registered.skills = "急救 夜间陪护"
    registered.save()  # a second history version

    erased = erase_account(user=user)

    assert erased.records["volunteers"] == 1
    row = Volunteer.objects.get(pk=registered.pk)
    assert (row.real_name, row.phone, row.skills, row.id_last4) == ("", "", "", "")
    assert row.birth_date.isoformat() == "1985-01-01"  # the year stays for age figures
    assert row.community_id == registered.community_id
    versions = list(row.history.values_list("real_name", "phone"))
    assert len(versions) >= 2
    assert all(value in ("", None) for version in versions for value in version)
    # The same person may register again with a new account and the same ID number.
    again = services.register_volunteer(
        by=_resident(areas),
        real_name="张三丰",
        id_number=id_number("19850617", seq=int(registered.pk)),
        phone="13912345679",
        community=registered.community,
    )
    assert again.pk != registered.pk


def _resident(areas):
    from huitian.models import Area, Role
    from tests.conftest import make_user

    return make_user("vol-again", Role.RESIDENT, Area.objects.get(code="110114011001"))
