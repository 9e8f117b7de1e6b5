"""Queues by urgency and deadlines labelled with their kind (issue 13, items 9–10): the
admin's needs list and the portal's needs queue put the most urgent first, say which
deadline was missed and by how many working days; fewer columns; a community filter and
search by community name; community pickers grouped under their street."""

import datetime
import re

import pytest
from django.utils import timezone

from huitian.models import Area
from huitian.workdays import WorkingCalendar
from procurement.models import Need
from tests.procurement.factories import NeedFactory
from tests.queries import assert_pinned

pytestmark = pytest.mark.django_db

NEEDS = "/admin/procurement/need/"


def _order(html, titles):
    return sorted(titles, key=lambda t: html.index(t))


def _three_needs():
    today = timezone.localdate()
    d = datetime.timedelta
    calm = NeedFactory(
        title="不急的需求", state=Need.State.ACCEPTED, resolution_due=today + d(days=30)
    )
    missed = NeedFactory(
        title="响应超期的需求",
        state=Need.State.RECEIVED,
        response_due=today - d(days=7),
        resolution_due=today + d(days=20),
    )
    closed = NeedFactory(
        title="已办结的需求", state=Need.State.RESOLVED, resolution_due=today - d(days=40)
    )
    return calm, missed, closed


def test_admin_needs_list_puts_the_urgent_first_and_labels_deadlines(cast, client_as):
    calm, missed, closed = _three_needs()
    html = client_as(cast.community_a1).get(NEEDS).content.decode()
    assert _order(html, [calm.title, missed.title, closed.title]) == [
        missed.title,
        calm.title,
        closed.title,
    ]
    # the response deadline was missed: said so, in working days, beside its kind
    over = -WorkingCalendar().working_days_between(timezone.localdate(), missed.response_due)
    assert f"响应期限 {missed.response_due:%Y-%m-%d} <strong>超期 {over} 个工作日</strong>" in html
    assert f"办结期限 {missed.resolution_due:%Y-%m-%d}" in html
    # fewer columns: category and channel moved to the filters
    table = html[html.index('id="result_list"') :]
    header = table[: table.index("</thead>")]
    assert "状态" in header and "column-category" not in header and "column-channel" not in header


def test_portal_queue_says_which_deadline_was_missed(cast, client_as):
    calm, missed, _closed = _three_needs()
    html = client_as(cast.community_a1).get("/needs/queue/").content.decode()
    assert html.index(missed.title) < html.index(calm.title)
    row = html[html.index(missed.title) : html.index(calm.title)]
    assert "响应期限" in row and "个工作日" in row and "已超期" in row
    # the future resolution deadline is shown as such, without an overdue mark of its own
    assert re.search(r"办结期限 \d{4}-\d{2}-\d{2}</span>", row)


def test_needs_list_filters_and_searches_by_community(cast, client_as):
    NeedFactory(title="龙博苑的需求")
    NeedFactory(title="万润家园的需求", community=Area.objects.get(code="110114011002"))
    c = client_as(cast.street_a)
    html = c.get(NEEDS).content.decode()
    assert "龙博苑社区居委会" in html[html.index('id="changelist-filter"') :]
    a1 = Area.objects.get(code="110114011001")
    filtered = c.get(f"{NEEDS}?community={a1.pk}").content.decode()
    assert "龙博苑的需求" in filtered and "万润家园的需求" not in filtered
    found = c.get(f"{NEEDS}?q=万润家园").content.decode()
    assert "万润家园的需求" in found and "龙博苑的需求" not in found


def test_admin_needs_list_queries_are_pinned(cast, client_as):
    c = client_as(cast.street_a)
    NeedFactory()
    assert_pinned(lambda: c.get(NEEDS), lambda: [NeedFactory() for _ in range(5)])


def test_community_pickers_in_the_admin_are_grouped_by_street(cast, client_as):
    html = client_as(cast.community_a1).get(f"{NEEDS}add/").content.decode()
    select = html[html.index('name="community"') :]
    select = select[: select.index("</select>")]
    assert '<optgroup label="回龙观街道">' in select


def test_registration_queue_puts_running_deadlines_first(cast, client_as):
    from tests.registry.factories import RegistrationFactory

    today = timezone.localdate()
    decided = RegistrationFactory(
        name="已批准的申请", state="approved", decision_due=today - datetime.timedelta(days=90)
    )
    running = RegistrationFactory(
        name="审批中的申请", state="accepted", decision_due=today - datetime.timedelta(days=3)
    )
    waiting = RegistrationFactory(name="待受理的申请", state="submitted")
    html = client_as(cast.district).get("/admin/registry/registrationapplication/").content.decode()
    names = [decided.name, running.name, waiting.name]
    assert _order(html, names) == [running.name, waiting.name, decided.name]
    assert "个工作日" in html
