"""Portal pages of purchase of services (issue 9, item 8): organizations see open
projects they are eligible for, apply (federations jointly for a filed group), sign,
report milestones and see their installments and payments."""

import pytest
from django.urls import reverse

from procurement.models import Contract, MilestoneReport, ProjectApplication
from procurement.services import contracts as csvc
from tests.conftest import STREET_A
from tests.procurement import factories as f
from tests.queries import assert_pinned
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
HOME = reverse("procurement:purchases")


@pytest.fixture
def street(cast):
    return cast.areas[STREET_A]


@pytest.fixture
def budget(cast, street):
    return f.funded_budget(cast.district, street)


@pytest.fixture
def org():
    return OrganizationFactory(name="回龙观为老服务中心")


@pytest.fixture
def member(org):
    return f.member_of(org)


def test_members_see_open_projects_they_may_apply_for_and_apply(
    cast, client_as, street, budget, org, member
):
    project = f.open_project(cast.street_a, street, budget, cast.evaluator)
    page = client_as(member).get(HOME)
    assert page.status_code == 200 and project.title in page.content.decode()
    url = reverse("procurement:purchase-apply", args=[project.pk, org.pk])
    r = client_as(member).post(url, {"proposal": "组建助餐团队", "quoted_amount": "300000.01"})
    assert r.status_code == 200 and "300000" in r.content.decode()
    assert not ProjectApplication.objects.exists()
    r = client_as(member).post(url, {"proposal": "组建助餐团队", "quoted_amount": "280000"})
    assert r.status_code == 302
    app = ProjectApplication.objects.get()
    assert app.organization == org and not app.is_joint
    # Applied: the project leaves the "may apply" list and shows under the applications.
    body = client_as(member).get(HOME).content.decode()
    assert "¥280,000.00" in body and url not in body


def test_the_federation_applies_jointly_for_a_filed_group(cast, client_as, street, budget):
    project = f.open_project(cast.street_a, street, budget, cast.evaluator)
    group = f.filed_group()
    url = reverse("procurement:purchase-apply", args=[project.pk, group.pk])
    assert url in client_as(cast.federation_a).get(HOME).content.decode()
    # The group alone is not eligible: its members see no project to apply for.
    assert url not in client_as(f.member_of(group)).get(HOME).content.decode()
    r = client_as(f.member_of(group, "group_member")).get(url)
    assert r.status_code == 200 and 'name="proposal"' not in r.content.decode()
    r = client_as(cast.federation_a).post(url, {"proposal": "联合申报", "quoted_amount": "90000"})
    assert r.status_code == 302
    app = ProjectApplication.objects.get()
    assert app.is_joint and app.cosigned_by == cast.federation_a
    assert client_as(cast.federation_b).get(url).status_code == 404


def test_outsiders_get_404(cast, client_as, street, budget, org):
    project = f.open_project(cast.street_a, street, budget, cast.evaluator)
    url = reverse("procurement:purchase-apply", args=[project.pk, org.pk])
    assert client_as(cast.resident).get(HOME).status_code == 404
    assert client_as(cast.resident).get(url).status_code == 404
    stranger = f.member_of(OrganizationFactory(), "stranger")
    assert client_as(stranger).get(url).status_code == 404


def test_sign_report_and_see_payments(cast, client_as, street, budget, org, member):
    project, _app = f.awarded_project(cast.street_a, street, budget, cast.evaluator, org, member)
    plans = [
        csvc.PeriodPlan(
            amount="300000",
            start_date=f.datetime.date(2026, 1, 1),
            end_date=f.datetime.date(2026, 12, 31),
        )
    ]
    contract = csvc.draft_contract(project, by=cast.street_a, periods=plans)
    url = reverse("procurement:purchase-contract", args=[contract.pk])
    client = client_as(member)
    r = client.post(url, {"do": "sign"})
    assert r.status_code == 200 and Contract.objects.get().state == "draft"
    assert "不得转包" in r.content.decode()
    assert client.post(url, {"do": "sign", "no_subcontracting": "on"}).status_code == 302
    assert Contract.objects.get().state == "org_signed"
    contract.refresh_from_db()
    csvc.countersign(contract, by=cast.street_a)
    csvc.start_service(contract, by=cast.street_a)
    first = contract.periods.get().installments.first()
    r = client.post(url, {"do": "report", "installment": first.pk, "text": "团队组建完成"})
    assert r.status_code == 302
    report = MilestoneReport.objects.get()
    csvc.accept_milestone_report(report, by=cast.street_a)
    first.refresh_from_db()
    csvc.pay_installment(first, by=cast.street_a)
    page = client.get(url).content.decode()
    assert "¥90,000.00" in page and contract.number in page
    assert client_as(cast.street_b).get(url).status_code == 404
    assert client_as(f.member_of(OrganizationFactory(), "other")).get(url).status_code == 404


def test_the_home_page_is_pinned(cast, client_as, street, budget, org, member):
    def grow():
        f.open_project(cast.street_a, street, budget, cast.evaluator)

    grow()
    assert_pinned(lambda: client_as(member).get(HOME), grow)
