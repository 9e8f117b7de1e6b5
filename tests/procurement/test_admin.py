"""Staff admin: scoped lists, masked contacts, actions through services, staff entry."""

import pytest

from procurement.models import Need
from tests.procurement.factories import NeedFactory, community

pytestmark = pytest.mark.django_db


def test_changelist_is_scoped(cast, client_as):
    a = NeedFactory(title="A1的需求")
    NeedFactory(title="B1的需求", community=community("110114008001"))
    html = client_as(cast.community_a1).get("/admin/procurement/need/").content.decode()
    assert "A1的需求" in html and "B1的需求" not in html
    assert (
        client_as(cast.community_b1).get(f"/admin/procurement/need/{a.pk}/change/").status_code
        == 302
    )


def test_auditor_sees_masked_contact_and_handler_sees_full(cast, client_as):
    need = NeedFactory()
    html = (
        client_as(cast.auditor).get(f"/admin/procurement/need/{need.pk}/change/").content.decode()
    )
    assert "138****5678" in html and "13812345678" not in html
    html = (
        client_as(cast.community_a1)
        .get(f"/admin/procurement/need/{need.pk}/change/")
        .content.decode()
    )
    assert "13812345678" in html


def test_accept_action_uses_the_service(cast, client_as):
    ok = NeedFactory()
    done = NeedFactory(state="accepted")
    r = client_as(cast.community_a1).post(
        "/admin/procurement/need/",
        {"action": "accept_selected", "_selected_action": [ok.pk, done.pk]},
        follow=True,
    )
    assert r.status_code == 200
    ok.refresh_from_db()
    assert ok.state == "accepted" and ok.responded_at
    levels = [m.level_tag for m in r.context["messages"]]
    assert "error" in levels and "success" in levels  # the accepted one is refused, with a reason


def test_staff_entry_in_admin(cast, client_as):
    from huitian.models import Category

    r = client_as(cast.community_a1).post(
        "/admin/procurement/need/add/",
        {
            "channel": "staff_report",
            "community": community().pk,
            "category": Category.objects.get(code="special_affairs").pk,
            "title": "井盖缺失",
            "text": "5号楼前井盖缺失，存在安全隐患",
            "urgency": 3,
            "transition_set-TOTAL_FORMS": 0,
            "transition_set-INITIAL_FORMS": 0,
            "huitian-transition-content_type-object_id-TOTAL_FORMS": 0,
            "huitian-transition-content_type-object_id-INITIAL_FORMS": 0,
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    need = Need.objects.get()
    assert need.channel == "staff_report" and need.response_due and len(need.tracking_code) == 10
