"""志愿回天专项基金 (V4): apply, review, approve, pay through the kernel ledger; public list."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from huitian import ledger
from huitian.access import Forbidden
from huitian.models import LedgerEntry, LedgerMovement
from huitian.workflow import WorkflowError, transitions_of
from tests.conftest import COMMUNITY_A1, api_as
from tests.queries import assert_pinned
from volunteers import services
from volunteers.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(cast):
    services.ensure_community_teams()
    return Team.objects.get(kind="community", area=cast.area(COMMUNITY_A1))


def apply(cast, team, amount="3000", title="助老送餐"):
    return services.apply_for_grant(
        team_id=team.pk, by=cast.community_a1, title=title, purpose="购置保温餐箱", amount=amount
    )


def test_apply_approve_pay_every_movement_in_the_ledger(cast, team):
    services.contribute(amount="10000", by=cast.district, note="区财政拨付")
    grant = apply(cast, team)
    services.approve_grant(grant_id=grant.pk, by=cast.district)
    grant = services.pay_grant(grant_id=grant.pk, by=cast.district)
    fund = services.fund_account()
    fund.refresh_from_db()
    assert grant.state == "paid" and grant.movement.kind == "pay"
    assert fund.balance == Decimal("7000.00") == ledger.balance_of(fund)
    assert LedgerMovement.objects.filter(cause_id=grant.pk, kind="pay").count() == 1
    assert LedgerEntry.objects.filter(credit=fund).count() == 1
    assert [t.step for t in transitions_of(grant)] == ["apply", "approve", "pay"]
    with pytest.raises(WorkflowError):  # paid once
        services.pay_grant(grant_id=grant.pk, by=cast.district)


def test_approval_and_payment_refused_beyond_the_fund(cast, team):
    services.contribute(amount="5000", by=cast.district, note="基金会捐赠")
    first, second = apply(cast, team, "4000"), apply(cast, team, "2000", "第二个项目")
    services.approve_grant(grant_id=first.pk, by=cast.district)
    with pytest.raises(WorkflowError) as exc:  # 1,000 left unpromised
        services.approve_grant(grant_id=second.pk, by=cast.district)
    assert exc.value.code == "beyond_fund"
    # A payment beyond the balance is refused by the ledger itself: the contribution is
    # reversed (returned to the donor) after the grants were approved.
    extra = apply(cast, team, "1000", "第三个项目")
    services.approve_grant(grant_id=extra.pk, by=cast.district)
    movement = LedgerMovement.objects.filter(kind="donate").get()
    ledger.reverse(movement_id=movement.pk, by=cast.district, reason="捐赠退回")
    with pytest.raises(WorkflowError) as exc:
        services.pay_grant(grant_id=first.pk, by=cast.district)
    assert exc.value.code == "insufficient_funds"
    first.refresh_from_db()
    assert first.state == "approved" and first.movement is None


def test_refusals_and_who_may_act(cast, team):
    with pytest.raises(Forbidden):  # another street's staff do not apply for this team
        services.apply_for_grant(
            team_id=team.pk, by=cast.community_b1, title="x", purpose="y", amount="1"
        )
    with pytest.raises(ValidationError) as exc:
        services.apply_for_grant(
            team_id=team.pk, by=cast.community_a1, title="", purpose="", amount="-1"
        )
    assert {"title", "purpose"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        apply(cast, team, "12.345")
    grant = apply(cast, team)
    for who in (cast.community_a1, cast.street_a, cast.federation_a, cast.auditor):
        with pytest.raises(Forbidden):
            services.approve_grant(grant_id=grant.pk, by=who)
    with pytest.raises(Forbidden):
        services.contribute(amount="1", by=cast.street_a, note="x")
    with pytest.raises(WorkflowError) as exc:
        services.reject_grant(grant_id=grant.pk, by=cast.district, note="")
    assert exc.value.code == "reason_required"
    services.reject_grant(grant_id=grant.pk, by=cast.district, note="与往年重复")
    with pytest.raises(WorkflowError):
        services.pay_grant(grant_id=grant.pk, by=cast.district)


def test_public_list_of_grants(cast, team, client):
    services.contribute(amount="10000", by=cast.district, note="区财政拨付")
    paid = apply(cast, team, "1000", "社区助老")
    services.approve_grant(grant_id=paid.pk, by=cast.district)
    services.pay_grant(grant_id=paid.pk, by=cast.district)
    apply(cast, team, "500", "尚在审核")
    page = client.get("/volunteers/fund/")
    body = page.content.decode()
    assert page.status_code == 200 and "社区助老" in body and "尚在审核" not in body
    assert "community_a1" not in body  # the applicant's account never shows
    r = api_as(None).get("/api/v1/volunteer-grants/")
    assert r.status_code == 200
    row = r.json()["results"][0]
    assert row["title"] == "社区助老" and row["state"] == "paid" and row["amount"] == "1000.00"
    assert "applied_by" not in row

    def grow():
        for i in range(3):
            g = apply(cast, team, "10", f"项目{i}")
            services.approve_grant(grant_id=g.pk, by=cast.district)

    anon = api_as(None)
    assert_pinned(lambda: anon.get("/api/v1/volunteer-grants/"), grow, expected=2)
    assert_pinned(lambda: client.get("/volunteers/fund/"), grow)
