"""Staff screens in the admin beyond the need change page: whistle calls, the 12345 import."""

import pytest

pytestmark = pytest.mark.django_db


def test_staff_raise_a_whistle_call_and_select_responders_in_the_admin(cast, client_as):
    import datetime

    from django.utils import timezone
    from django.utils.translation import gettext as _

    from huitian.models import Category, Role
    from procurement.models import WhistleCall
    from procurement.services.whistle import respond_to_call
    from tests.conftest import make_user
    from tests.procurement.factories import OfferFactory, community

    org = OfferFactory().organization  # serves community A1, so it is notified
    member = make_user("wm1", Role.ORG_MEMBER, organization=org)
    staff = client_as(cast.community_a1)
    page = staff.get("/admin/procurement/whistlecall/add/").content.decode()
    a1, b1 = community(), community("110114008001")
    assert f">{a1.name}<" in page and f">{b1.name}<" not in page
    data = {
        "community": a1.pk,
        "category": Category.objects.get(code="dispute_mediation").pk,
        "problem": "楼上楼下漏水纠纷，需要调解",
        "urgency": 2,
        "deadline": str(timezone.localdate() - datetime.timedelta(days=1)),
    }
    r = staff.post("/admin/procurement/whistlecall/add/", data)
    assert r.status_code == 200 and not WhistleCall.objects.exists()  # past deadline refused
    assert "deadline" in r.context["adminform"].form.errors
    data["deadline"] = str(timezone.localdate() + datetime.timedelta(days=3))
    r = staff.post("/admin/procurement/whistlecall/add/", {**data, "community": b1.pk})
    assert r.status_code == 200 and not WhistleCall.objects.exists()  # not their community
    # The service's own reason, beside the field (not the form's "not a valid choice").
    (reason,) = r.context["adminform"].form.errors["community"]
    assert reason == str(_("You can raise whistle calls only for communities in your own areas."))
    retired = Category.objects.get(code="dispute_mediation")
    Category.objects.filter(pk=retired.pk).update(is_active=False)
    r = staff.post("/admin/procurement/whistlecall/add/", data)
    assert r.status_code == 200 and not WhistleCall.objects.exists()  # category out of use
    assert "category" in r.context["adminform"].form.errors
    Category.objects.filter(pk=retired.pk).update(is_active=True)
    r = staff.post("/admin/procurement/whistlecall/add/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    call = WhistleCall.objects.get()
    assert call.raised_by == cast.community_a1 and call.community == a1
    assert (call.problem, call.urgency, call.state) == ("楼上楼下漏水纠纷，需要调解", 2, "open")
    assert list(call.notified_orgs.all()) == [org]
    assert member.notifications.filter(kind="procurement.whistle").exists()

    response = respond_to_call(call_id=call.pk, organization_id=org.pk, by=member, brings="两人")
    html = client_as(cast.auditor).get(f"/admin/procurement/whistlecall/{call.pk}/change/")
    assert org.name in html.content.decode() and 'name="responses"' not in html.content.decode()
    # The auditor reads but cannot select, even by posting to the select door.
    client_as(cast.auditor).post(
        f"/admin/procurement/whistlecall/{call.pk}/select/", {"responses": [response.pk]}
    )
    call.refresh_from_db()
    response.refresh_from_db()
    assert call.state == "open" and not response.selected
    html = staff.get(f"/admin/procurement/whistlecall/{call.pk}/change/").content.decode()
    assert 'name="responses"' in html
    staff.post(f"/admin/procurement/whistlecall/{call.pk}/select/", {"responses": [response.pk]})
    call.refresh_from_db()
    response.refresh_from_db()
    assert call.state == "selected" and response.selected
    # A second submit is refused: the step is taken once.
    r = staff.post(
        f"/admin/procurement/whistlecall/{call.pk}/select/",
        {"responses": [response.pk]},
        follow=True,
    )
    assert [m.level_tag for m in r.context["messages"]] == ["success", "error"]


def test_import_page_lists_the_expected_columns(cast, client_as):
    html = client_as(cast.community_a1).get("/admin/procurement/need/import/").content.decode()
    assert "工单编号*" in html and "联系电话<" in html


def test_the_import_button_shows_only_to_those_who_may_import(cast, client_as):
    link = "/admin/procurement/needimport/add/"
    assert link in client_as(cast.community_a1).get("/admin/procurement/need/").content.decode()
    for reader in (cast.evaluator, cast.auditor):
        page = client_as(reader).get("/admin/procurement/need/")
        assert page.status_code == 200 and link not in page.content.decode()
        assert client_as(reader).get(link).status_code == 403
