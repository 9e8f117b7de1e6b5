"""The organization register: who edits which record through every door (DESIGN.md,
"Decisions"), legal particulars only through workflow steps, contacts by area."""

import pytest
from django.core.exceptions import ValidationError

from huitian.access import Forbidden
from huitian.models import Role, Transition
from huitian.workflow import transitions_of
from registry import services
from registry.models import (
    Organization,
)
from tests.conftest import COMMUNITY_A1, COMMUNITY_B1, STREET_A, api_as, make_user
from tests.registry.factories import FiledGroupFactory, OrganizationFactory, make_uscc
from tests.registry.helpers import form_data

pytestmark = pytest.mark.django_db


ADD = "/admin/registry/organization/add/"


def change_url(org):
    return f"/admin/registry/organization/{org.pk}/change/"


def new_registered(cast, **overrides):
    return {
        "name": "引进的城市级基金会",
        "uscc": make_uscc(7001),
        "legal_form": "foundation",
        "registration_level": "city",
        "home_area": cast.area(COMMUNITY_A1).pk,
        "party_organization": "none",
        "introduced_from": "city",
        "staff_count": 0,
        "volunteer_count": 0,
        "party_member_count": 0,
        **overrides,
    }


def _add_page_data(client, values):
    page = client.get(ADD)
    assert page.status_code == 200
    data = form_data(page)
    data.update(values)
    return data


@pytest.mark.parametrize("who", ["community_a1", "street_a", "federation_a", "auditor"])
def test_only_district_staff_add_organizations_in_the_admin(cast, client_as, who):
    c = client_as(getattr(cast, who))
    assert c.get(ADD).status_code == 403
    assert c.post(ADD, new_registered(cast)).status_code == 403
    assert not Organization.objects.filter(name="引进的城市级基金会").exists()


def test_district_admin_adds_through_the_service_with_a_history_row(cast, client_as):
    c = client_as(cast.district)
    r = c.post(ADD, _add_page_data(c, new_registered(cast)))
    assert r.status_code == 302, r.context["adminform"].form.errors
    org = Organization.objects.get(name="引进的城市级基金会")
    assert org.status == "active" and list(org.service_areas.all()) == [org.home_area]
    (row,) = transitions_of(org)
    assert (row.step, row.to_state, row.by) == ("enter", "active", cast.district)


def test_filed_groups_are_not_added_in_the_admin(cast, client_as):
    c = client_as(cast.district)
    values = new_registered(cast, uscc="", registration_level="filed")
    r = c.post(ADD, _add_page_data(c, values))
    assert r.status_code == 200
    assert "registration_level" in r.context["adminform"].form.errors
    assert not Organization.objects.filter(name="引进的城市级基金会").exists()


def test_enter_organization_refuses_staff_outside_the_district_role(cast):
    data = {k: v for k, v in new_registered(cast).items() if k != "home_area"}
    data["home_area"] = cast.area(COMMUNITY_A1)
    with pytest.raises(Forbidden):
        services.enter_organization(by=cast.street_a, data=data)


def test_community_clerk_reads_but_cannot_change_a_group_in_their_community(cast, client_as):
    group = FiledGroupFactory()
    c = client_as(cast.community_a1)
    page = c.get(change_url(group))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    r = c.post(change_url(group), {"contact_phone": "13900001111"})
    assert r.status_code == 403
    group.refresh_from_db()
    assert group.contact_phone == "13800138000"


def test_street_clerk_edits_a_filed_group_of_their_street_through_the_service(cast, client_as):
    group = FiledGroupFactory()
    c = client_as(cast.street_a)
    page = c.get(change_url(group))
    data = form_data(page)
    data["contact_phone"] = "13900001111"
    # A forged POST of the fields only a workflow sets: read-only, so ignored.
    data.update({"registration_level": "city", "legal_form": "foundation", "status": "merged"})
    data["uscc"] = make_uscc(7002)
    r = c.post(change_url(group), data)
    assert r.status_code == 302, r.context["adminform"].form.errors
    group.refresh_from_db()
    assert group.contact_phone == "13900001111"
    assert (group.registration_level, group.legal_form, group.status, group.uscc) == (
        "filed",
        "community_group",
        "active",
        None,
    )
    assert not Transition.objects.filter(object_id=group.pk, step__in=["merge", "enter"]).exists()


@pytest.mark.parametrize("who", ["street_a", "federation_a", "community_a1"])
def test_registered_organizations_are_district_records(cast, client_as, who):
    org = OrganizationFactory(home_area=cast.area(COMMUNITY_A1))
    c = client_as(getattr(cast, who))
    assert 'name="_save"' not in c.get(change_url(org)).content.decode()
    assert c.post(change_url(org), {"contact_phone": "13900001111"}).status_code == 403
    org.refresh_from_db()
    assert org.contact_phone == "13800138000"


def test_street_clerk_of_another_street_does_not_find_the_group(cast, client_as):
    group = FiledGroupFactory()
    c = client_as(cast.street_b)
    r = c.post(change_url(group), {"contact_phone": "13900001111"})
    assert r.status_code == 302  # the admin's "does not exist" redirect
    group.refresh_from_db()
    assert group.contact_phone == "13800138000"


def test_street_clerk_cannot_move_a_group_into_another_street(cast, client_as):
    group = FiledGroupFactory()
    c = client_as(cast.street_a)
    data = form_data(c.get(change_url(group)))
    data["home_area"] = cast.area(COMMUNITY_B1).pk
    r = c.post(change_url(group), data)
    assert r.status_code == 200
    assert "home_area" in r.context["adminform"].form.errors
    group.refresh_from_db()
    assert group.home_area.code == COMMUNITY_A1


def test_legal_particulars_of_a_registered_organization_are_read_only(cast, client_as):
    org = OrganizationFactory(name="原登记名称")
    c = client_as(cast.district)
    page = c.get(change_url(org))
    html = page.content.decode()
    for field in ("name", "uscc", "legal_form", "registration_level", "status"):
        assert f'name="{field}"' not in html, field
    assert 'name="contact_phone"' in html
    data = form_data(page)
    data.update(
        {"name": "改过的名称", "registration_level": "city", "contact_phone": "13900001111"}
    )
    assert c.post(change_url(org), data).status_code == 302
    org.refresh_from_db()
    assert (org.name, org.registration_level) == ("原登记名称", "district")
    assert org.contact_phone == "13900001111"


def test_update_organization_refuses_legal_particulars_beside_the_field(cast):
    org = OrganizationFactory()
    with pytest.raises(ValidationError) as refused:
        services.update_organization(
            organization_id=org.pk,
            by=cast.district,
            data={"name": "新名称", "registration_level": "city", "address": "新地址"},
        )
    assert set(refused.value.message_dict) == {"name", "registration_level"}
    group = FiledGroupFactory()
    renamed = services.update_organization(
        organization_id=group.pk, by=cast.street_a, data={"name": "改名的舞蹈队"}
    )
    assert renamed.name == "改名的舞蹈队"  # a filed group's name is no legal particular
    with pytest.raises(Forbidden):
        services.update_organization(
            organization_id=group.pk, by=cast.community_a1, data={"address": "x"}
        )


@pytest.mark.parametrize(
    ("who", "full"),
    [
        ("street_a", True),
        ("community_a1", True),
        ("auditor", True),
        ("street_b", False),
        ("community_b1", False),
        ("resident", False),
        ("anonymous", False),
        ("member", True),
    ],
)
def test_contacts_in_full_only_for_the_areas_staff_and_members(cast, api, who, full):
    group = FiledGroupFactory()
    registered = OrganizationFactory(contact_name="王主任", home_area=cast.area(COMMUNITY_A1))
    if who == "anonymous":
        client = api
    elif who == "member":
        client = api_as(make_user("grp_member", Role.ORG_MEMBER, organization=group))
    else:
        client = api_as(getattr(cast, who))
    body = client.get(f"/api/v1/organizations/{group.pk}/").json()
    assert body["contact_phone"] == ("13800138000" if full else "138****8000")
    assert body["contact_name"] == ("孙丽" if full else "孙**")
    # A registered organization's contact person is public; its phone is not.
    body = client.get(f"/api/v1/organizations/{registered.pk}/").json()
    assert body["contact_name"] == "王主任"


def test_public_organization_page_masks_a_groups_contacts(cast, client, client_as):
    group = FiledGroupFactory()
    html = client.get(f"/organizations/{group.pk}/").content.decode()
    assert "孙**" in html and "138****8000" in html and "孙丽" not in html
    html = client_as(cast.street_b).get(f"/organizations/{group.pk}/").content.decode()
    assert "13800138000" not in html
    html = client_as(cast.street_a).get(f"/organizations/{group.pk}/").content.decode()
    assert "孙丽" in html and "13800138000" in html


def test_street_staff_area_is_the_home_area_not_is_staff(cast):
    from registry.selectors import contacts_for

    org = OrganizationFactory(home_area=cast.area(STREET_A))
    assert contacts_for(cast.street_a, org).phone == "13800138000"
    assert contacts_for(cast.street_b, org).phone == "138****8000"


def test_admin_organization_list_query_count(cast, client_as, django_assert_max_num_queries):
    c = client_as(cast.district)
    for _ in range(3):
        OrganizationFactory()
    c.get("/admin/registry/organization/")  # warm the per-process caches (content types)
    with django_assert_max_num_queries(30) as first:
        assert c.get("/admin/registry/organization/").status_code == 200
    for _ in range(10):
        OrganizationFactory()
    with django_assert_max_num_queries(30) as second:
        c.get("/admin/registry/organization/")
    assert len(second.captured_queries) == len(first.captured_queries)
    assert Organization.objects.count() == 13


def test_admin_change_form_cannot_certify_an_organization(cast, client_as):
    """The certificate is the district's decision (decide_certification), not a form field a
    street clerk can type into."""
    org = OrganizationFactory(legal_form="social_enterprise")
    page = client_as(cast.district).get(f"/admin/registry/organization/{org.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="contact_phone"' in html  # the rest is editable
    assert 'name="certified_until"' not in html
    assert 'name="certificate_number"' not in html
