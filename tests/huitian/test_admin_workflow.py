"""Workflow steps on the staff screens (huitian/admin_workflow.py): buttons on a record's
page for the steps the user may take, the action dropdown only with the role's steps, and
an action that changes nothing saying so."""

import pytest

from registry.models import RegistrationApplication
from tests.registry.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

QUEUE = "/admin/registry/registrationapplication/"


def _page(client, url):
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_street_clerk_sees_only_the_steps_it_may_take(cast, client_as):
    app = RegistrationFactory(name="甲街道助老服务中心")
    c = client_as(cast.street_a)
    queue = _page(c, QUEUE)
    # clerks accept and return; deciding is the district's
    assert 'value="accept"' in queue and 'value="return_for_supplement"' in queue
    assert 'value="approve"' not in queue and 'value="reject"' not in queue
    page = _page(c, f"{QUEUE}{app.pk}/change/")
    assert 'id="workflow-steps"' in page
    assert 'data-step="accept"' in page and 'data-step="return"' in page
    assert 'data-step="approve"' not in page


def test_district_sees_decision_steps_once_accepted(cast, client_as):
    app = RegistrationFactory(state=RegistrationApplication.State.SUBMITTED)
    c = client_as(cast.district)
    assert 'data-step="approve"' not in _page(c, f"{QUEUE}{app.pk}/change/")  # not yet accepted
    r = c.post(f"{QUEUE}{app.pk}/step/", {"action": "accept"})
    assert r.status_code == 302 and r["Location"].endswith(f"{app.pk}/change/")
    app.refresh_from_db()
    assert app.state == "accepted"
    page = _page(c, f"{QUEUE}{app.pk}/change/")
    assert 'data-step="approve"' in page and 'data-step="reject"' in page
    assert 'data-step="accept"' not in page


def test_a_step_that_asks_a_reason_shows_its_form_then_comes_back(cast, client_as):
    app = RegistrationFactory(state=RegistrationApplication.State.SUBMITTED)
    c = client_as(cast.street_a)
    r = c.post(f"{QUEUE}{app.pk}/step/", {"action": "return_for_supplement"})
    assert r.status_code == 200 and 'name="reason"' in r.content.decode()
    r = c.post(
        f"{QUEUE}{app.pk}/step/",
        {
            "action": "return_for_supplement",
            "_selected_action": [app.pk],
            "apply": "1",
            "reason": "章程\n场所证明",
        },
    )
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.state == "returned"


def test_step_buttons_refuse_a_role_without_the_step_and_an_out_of_area_record(cast, client_as):
    app = RegistrationFactory(state=RegistrationApplication.State.ACCEPTED)
    r = client_as(cast.street_a).post(f"{QUEUE}{app.pk}/step/", {"action": "approve"})
    assert r.status_code == 403
    other = RegistrationFactory(home_area=cast.area("110114008001"))
    r = client_as(cast.street_a).post(f"{QUEUE}{other.pk}/step/", {"action": "accept"})
    assert r.status_code in (302, 404)  # the admin's "not found" redirect or 404
    other.refresh_from_db()
    assert other.state == "submitted"
    assert client_as(cast.street_a).get(f"{QUEUE}{app.pk}/step/").status_code == 405


def test_read_only_roles_get_no_steps(cast, client_as):
    app = RegistrationFactory()
    page = _page(client_as(cast.auditor), f"{QUEUE}{app.pk}/change/")
    assert 'data-step="' not in page
    assert 'value="accept"' not in _page(client_as(cast.auditor), QUEUE)


def test_an_action_that_changes_nothing_says_so(cast, client_as):
    from huitian.models import Category
    from procurement.models import Topic

    topic = Topic.objects.create(
        title="楼道堆物",
        area=cast.area("110114011001"),
        category=Category.objects.get(code="property_management"),
    )
    r = client_as(cast.street_a).post(
        "/admin/procurement/topic/",
        {"action": "mark_reviewed", "_selected_action": [topic.pk]},
        follow=True,
    )
    texts = [str(m) for m in r.context["messages"]]
    assert len(texts) == 1 and "没有任何改变" in texts[0]


def test_needs_page_lists_only_steps_the_user_may_take(cast, client_as):
    from tests.procurement.factories import NeedFactory

    need = NeedFactory()
    page = _page(client_as(cast.community_a1), f"/admin/procurement/need/{need.pk}/change/")
    assert 'value="accept"' in page and 'value="reject"' in page
    page = _page(client_as(cast.auditor), f"/admin/procurement/need/{need.pk}/change/")
    assert 'name="step"' not in page


def test_a_step_the_service_would_refuse_shows_greyed_with_its_reason(cast, client_as):
    from huitian.models import Role
    from procurement.services import foundation as svc
    from tests.conftest import make_user

    manager = make_user("fund_manager", Role.COMMUNITY_STAFF, cast.area("110114011001"))
    fund = svc.open_foundation_fund(
        community=cast.area("110114011001"), rules="养老", managers=[manager], by=cast.street_a
    )
    svc.record_donation(
        fund_id=fund.pk, amount="100", by=manager, donor_kind="company", donor_name="超市"
    )
    one = svc.request_disbursement(
        fund_id=fund.pk, amount="80", purpose="a", beneficiary="b", by=manager
    )
    two = svc.request_disbursement(
        fund_id=fund.pk, amount="80", purpose="c", beneficiary="d", by=manager
    )
    for item in (one, two):
        svc.approve_disbursement(disbursement_id=item.pk, by=manager)
    svc.pay_disbursement(disbursement_id=one.pk, by=manager)
    page = _page(client_as(manager), f"/admin/procurement/disbursement/{two.pk}/change/")
    blocked = page[page.index("workflow-step blocked") :]
    assert "disabled" in blocked[:300] and "¥20.00" in blocked  # why_not_disburse's words
    assert 'data-step="pay"' not in page  # no live button for it
    # another community's clerk (not a manager) gets no step at all
    other = client_as(cast.street_a).get(f"/admin/procurement/disbursement/{two.pk}/change/")
    assert "workflow-step blocked" not in other.content.decode()
    assert "data-step=" not in other.content.decode()


def test_a_step_action_that_moved_nothing_and_said_nothing_says_so(cast, rf):
    from django.contrib.admin.sites import site
    from django.contrib.messages.storage.fallback import FallbackStorage

    from huitian.admin_workflow import _reporting

    app = RegistrationFactory()
    queryset = RegistrationApplication.objects.filter(pk=app.pk)
    admin = site._registry[RegistrationApplication]

    def request():
        req = rf.post("/")
        req.user = cast.district
        req.session = {}
        req._messages = FallbackStorage(req)
        return req

    silent = _reporting(lambda modeladmin, req, qs: None, "受理", "state")
    req = request()
    silent(admin, req, queryset)
    assert [str(m) for m in req._messages] == ["没有任何改变：所选记录都不能“受理”。"]

    def moves(modeladmin, req, qs):
        qs.update(state="accepted")

    req = request()
    _reporting(moves, "受理", "state")(admin, req, queryset)
    assert list(req._messages) == []  # it moved a record: nothing to add
