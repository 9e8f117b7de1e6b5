"""The third-party evaluator is an outside party (issue 7 item 17).

It used to see everything the auditor sees: residents' addresses, applicants' full
phone numbers, the staff list with e-mails. Now the scoping door gives it only what
it is assigned to evaluate (`Scope(evaluated=…)`; nothing is assignable yet), public
rows, and aggregate figures (`countable`), never contacts and no user list. Every
door obeys, because the door is `huitian.access`.
"""

import pytest

from huitian.access import countable, sees_contacts, visible
from huitian.scope import Scope
from procurement.models import Need
from tests.conftest import api_as
from tests.procurement.factories import NeedFactory
from tests.registry.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(cast):
    return {
        "need": NeedFactory(address="回龙观东大街3号院5号楼1单元101"),
        "app": RegistrationFactory(contact_phone="13911112222"),
    }


def test_api_needs_list(cast, records):
    auditor = api_as(cast.auditor).get("/api/v1/needs/").json()
    evaluator = api_as(cast.evaluator).get("/api/v1/needs/")
    assert records["need"].pk in [row["id"] for row in auditor["results"]]
    assert evaluator.status_code in (200, 403)
    if evaluator.status_code == 200:
        assert evaluator.json()["results"] == []
    assert api_as(cast.evaluator).get(f"/api/v1/needs/{records['need'].pk}/").status_code == 404


def test_api_registrations_list(cast, records):
    auditor = api_as(cast.auditor).get("/api/v1/registrations/").json()["results"]
    assert "13911112222" in str(auditor)  # the auditor reads the file in full
    evaluator = api_as(cast.evaluator).get("/api/v1/registrations/")
    assert "13911112222" not in evaluator.content.decode()
    assert (
        api_as(cast.evaluator).get(f"/api/v1/registrations/{records['app'].pk}/").status_code == 404
    )


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("/admin/procurement/need/", "need"),
        ("/admin/registry/registrationapplication/", "app"),
    ],
)
def test_admin_changelists(cast, client_as, records, url, needle):
    obj = records[needle]
    text = getattr(obj, "tracking_code", None) or obj.name
    assert text in client_as(cast.auditor).get(url).content.decode()
    page = client_as(cast.evaluator).get(url)
    assert page.status_code in (200, 403)
    assert text not in page.content.decode()


def test_no_user_list_for_the_evaluator(cast, client_as):
    assert client_as(cast.evaluator).get("/admin/huitian/user/").status_code == 403
    listing = client_as(cast.auditor).get("/admin/huitian/user/").content.decode()
    assert "street_a@example.cn" in listing
    index = client_as(cast.evaluator).get("/admin/").content.decode()
    assert "/admin/huitian/user/" not in index


def test_contacts_are_never_the_evaluators(cast):
    assert not sees_contacts(cast.evaluator)
    assert sees_contacts(cast.auditor) and sees_contacts(cast.community_a1)


def test_aggregate_figures_count_the_evaluators_area(cast, records):
    need = records["need"]  # in street A, where the evaluator is assigned
    assert not visible(cast.evaluator, Need.objects.all()).exists()
    assert countable(cast.evaluator, Need.objects.all()).filter(pk=need.pk).exists()
    assert not countable(cast.street_b, Need.objects.all()).filter(pk=need.pk).exists()


def test_assignment_extension_point(cast, monkeypatch):
    """Once a model says who evaluates a row, the evaluator reads exactly those rows."""
    assigned = NeedFactory(submitter=cast.evaluator)
    NeedFactory()
    monkeypatch.setattr(Need, "scope", Scope(area="community", owner=None, evaluated="submitter"))
    assert list(visible(cast.evaluator, Need.objects.all())) == [assigned]
    assert not visible(cast.street_b, Need.objects.filter(pk=assigned.pk)).exists()
