"""History pages are for reading (issue 7 items 1, 2, 16; issue 8 item 5).

- No revert: POST to a history form is refused for every role, in area or not, and
  nothing changes (the auditor once renamed an organization this way).
- History pages obey the change page's scoping: out of area is 404.
- A user's history goes through `users_visible_to` (a community clerk once read a
  resident of another community there).
- Notifications are read-only and their history page answers.
- The workflow log shows translated step and state names; history shows who acted.
"""

import pytest
from django.conf import settings

from huitian import services as kernel
from huitian.models import Notification, Role
from registry.models import Organization
from tests.conftest import COMMUNITY_B1, make_user
from tests.procurement.factories import NeedFactory
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def history_urls(org) -> tuple[str, str]:
    version = org.history.order_by("-history_id").first().history_id
    base = f"/admin/registry/organization/{org.pk}/history/"
    return base, f"{base}{version}/"


def test_revert_is_switched_off():
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


@pytest.mark.parametrize("who", ["auditor", "evaluator", "street_a", "district", "street_b"])
def test_nobody_reverts_through_the_history_form(cast, client_as, who):
    org = OrganizationFactory(name="原名社会组织", contact_phone="13800138000")
    _list, form = history_urls(org)
    payload = {
        "name": "被改掉的名字",
        "legal_form": org.legal_form,
        "registration_level": org.registration_level,
        "status": "active",
        "home_area": org.home_area_id,
        "contact_phone": "13999999999",
    }
    r = client_as(getattr(cast, who)).post(form, payload)
    assert r.status_code in (403, 404)
    org.refresh_from_db()
    assert (org.name, org.contact_phone) == ("原名社会组织", "13800138000")


def test_superuser_cannot_revert_either_and_sees_no_revert_button(client_as, cast):
    root = make_user("root", is_superuser=True, is_staff=True)
    org = OrganizationFactory(name="原名社会组织")
    listing, form = history_urls(org)
    page = client_as(root).get(form)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client_as(root).post(form, {"name": "改名"}).status_code == 403
    assert client_as(root).post(listing, {}).status_code == 403
    org.refresh_from_db()
    assert org.name == "原名社会组织"


@pytest.mark.parametrize(("who", "status"), [("street_a", 200), ("street_b", 404)])
def test_history_pages_follow_the_change_page_scope(cast, client_as, who, status):
    org = OrganizationFactory()
    listing, form = history_urls(org)
    assert client_as(getattr(cast, who)).get(listing).status_code == status
    assert client_as(getattr(cast, who)).get(form).status_code == status


def test_history_of_a_missing_record_or_bad_version_is_404(cast, client_as):
    org = OrganizationFactory()
    base = f"/admin/registry/organization/{org.pk}/history/"
    assert client_as(cast.street_a).get(f"{base}abc/").status_code == 404
    assert client_as(cast.street_a).get(f"{base}999999/").status_code == 404
    assert (
        client_as(cast.street_a).get("/admin/registry/organization/999999/history/").status_code
        == 404
    )


def test_user_history_goes_through_users_visible_to(cast, client_as):
    resident_b = make_user(
        "resident_b1", Role.RESIDENT, cast.area(COMMUNITY_B1), phone="13612345678"
    )
    resident_b.first_name = "改过"
    resident_b.save()
    version = resident_b.history.order_by("-history_id").first().history_id
    base = f"/admin/huitian/user/{resident_b.pk}"
    for url in (f"{base}/history/", f"{base}/history/{version}/", f"{base}/change/"):
        page = client_as(cast.community_a1).get(url)
        assert page.status_code in (302, 404), url
        assert "13612345678" not in page.content.decode()
    # the clerk of that community does see them
    assert client_as(cast.community_b1).get(f"{base}/history/").status_code == 200
    assert client_as(cast.community_b1).get(f"{base}/history/{version}/").status_code == 200


def test_a_community_clerk_lists_only_people_of_their_community(cast, client_as):
    make_user("resident_b1", Role.RESIDENT, cast.area(COMMUNITY_B1))
    html = client_as(cast.community_a1).get("/admin/huitian/user/").content.decode()
    assert "resident_b1" not in html and "community_b1" not in html
    assert "resident_other" in html  # a resident of the clerk's own community
    assert ">nobody<" not in html  # no role anywhere: not theirs to look up


def test_history_shows_who_made_the_change(cast, client_as):
    cast.district.last_name, cast.district.first_name = "龚", "建国"
    cast.district.save()
    area = cast.area("110114011002")
    client_as(cast.district).post(
        f"/admin/huitian/area/{area.pk}/change/", {"name": "改名后的社区", "is_active": "on"}
    )
    page = client_as(cast.street_a).get(f"/admin/huitian/area/{area.pk}/history/")
    assert page.status_code == 200
    assert "龚建国 (district)" in page.content.decode()


# --- notifications (item 16) -------------------------------------------------------


def test_notifications_cannot_be_forged_in_the_admin(cast, client_as):
    kernel.notify(recipients=[cast.street_a], kind="test", title="原始标题")
    note = Notification.objects.get(recipient=cast.street_a)
    url = f"/admin/huitian/notification/{note.pk}/change/"
    page = client_as(cast.street_a).get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    forged = client_as(cast.street_a).post(
        url, {"recipient": cast.street_b.pk, "kind": "test", "title": "伪造的消息"}
    )
    assert forged.status_code == 403
    note.refresh_from_db()
    assert (note.recipient, note.title) == (cast.street_a, "原始标题")
    from tests.conftest import api_as

    titles = [
        n["title"] for n in api_as(cast.street_b).get("/api/v1/notifications/").json()["results"]
    ]
    assert "伪造的消息" not in titles
    assert (
        client_as(cast.street_a)
        .post(f"/admin/huitian/notification/{note.pk}/delete/", {"post": "yes"})
        .status_code
        == 403
    )
    assert Notification.objects.filter(pk=note.pk).exists()


def test_notification_history_page_answers(cast, client_as):
    kernel.notify(recipients=[cast.street_a], kind="test", title="有历史按钮的消息")
    note = Notification.objects.get(recipient=cast.street_a)
    page = client_as(cast.street_a).get(f"/admin/huitian/notification/{note.pk}/history/")
    assert page.status_code == 200
    assert (
        client_as(cast.street_b).get(f"/admin/huitian/notification/{note.pk}/history/").status_code
        == 404
    )
    assert (
        client_as(cast.street_a)
        .get(f"/admin/huitian/notification/{note.pk}/history/1/")
        .status_code
        == 404
    )


# --- the workflow log (issue 8, item 5) ----------------------------------------------


def test_workflow_log_shows_translated_steps_and_states(cast, client_as):
    from procurement.services import needs as svc

    need = NeedFactory()
    svc.reject_need(need_id=need.pk, by=cast.community_a1, reason="duplicate", note="与12345重复")
    html = (
        client_as(cast.community_a1)
        .get(f"/admin/procurement/need/{need.pk}/change/")
        .content.decode()
    )
    assert "received → rejected" not in html
    assert ">received<" not in html and ">rejected<" not in html and ">reject<" not in html
    from django.utils import translation

    with translation.override("zh-hans"):
        from procurement.models import Need

        assert str(Need.State("rejected").label) in html
        assert str(Need.FLOW["reject"].label) in html


def test_organization_status_log_uses_the_status_field(cast):
    from django.contrib.contenttypes.models import ContentType

    from huitian.models import Transition

    row = Transition(
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=1,
        step="suspend",
        from_state="active",
        to_state="suspended",
    )
    assert row.state_label("active") == str(Organization.Status("active").label)
    assert row.step_label() == str(Organization.STATUS_FLOW["suspend"].label)
    assert Transition(content_type=row.content_type, step="create").step_label() != "create"
    assert Transition(content_type=row.content_type, step="odd").step_label() == "odd"
    assert row.state_label("") == "—"
