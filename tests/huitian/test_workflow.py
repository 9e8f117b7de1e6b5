"""`move()` saves through the model: every workflow step leaves exactly one history row
with the acting user and the step's name, beside its Transition row; the conditional
UPDATE still lets only one of two racing callers win; `move_many()` does the same in
batches."""

import datetime

import pytest
from django.utils import timezone

from huitian import workflow
from huitian.models import Role, Transition
from huitian.workflow import WorkflowError, move, move_many, transitions_of
from procurement.models import Need, Offer
from procurement.services import needs as need_services
from procurement.services import offers as offer_services
from registry import services as registry
from registry.models import Deregistration
from tests.conftest import make_user
from tests.procurement.factories import OfferFactory, web_need
from tests.registry.factories import FilingFactory, OrganizationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _accept_registration(cast):
    app = RegistrationFactory()
    registry.accept_registration(application_id=app.pk, by=cast.district)
    return app, cast.district, "accept"


def _review_filing(cast):
    filing = FilingFactory()
    registry.review_filing(filing_id=filing.pk, by=cast.community_a1, passed=True, note="齐全")
    return filing, cast.community_a1, "pass_review"


def _suspend_organization(cast):
    org = OrganizationFactory()
    registry.change_organization_status(
        organization_id=org.pk, step="suspend", by=cast.district, note="年检未通过"
    )
    return org, cast.district, "suspend"


def _start_liquidation(cast):
    org = OrganizationFactory()
    dereg = registry.open_deregistration(
        organization_id=org.pk, by=cast.district, kind="dissolution", reason="解散"
    )
    registry.start_liquidation(deregistration_id=dereg.pk, by=cast.district)
    # The organization's status moved in the same service: its history records it too.
    org.refresh_from_db()
    assert org.history.first().history_user == cast.district
    return Deregistration.objects.get(pk=dereg.pk), cast.district, "start_liquidation"


def _accept_need(cast):
    need = web_need("电梯故障")
    need_services.accept_need(need_id=need.pk, by=cast.community_a1)
    return need, cast.community_a1, "accept"


def _reject_need(cast):
    need = web_need("电梯故障")
    need_services.reject_need(
        need_id=need.pk, by=cast.street_a, reason="duplicate", note="与另一诉求重复"
    )
    return need, cast.street_a, "reject"


def _withdraw_offer(cast):
    offer = OfferFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=offer.organization)
    offer_services.withdraw_offer(offer_id=offer.pk, by=member)
    return offer, member, "withdraw"


@pytest.mark.parametrize(
    "take",
    [
        _accept_registration,
        _review_filing,
        _suspend_organization,
        _start_liquidation,
        _accept_need,
        _reject_need,
        _withdraw_offer,
    ],
)
def test_every_step_leaves_one_history_row_with_the_user(cast, take):
    obj, by, step = take(cast)
    obj.refresh_from_db()
    records = list(obj.history.order_by("history_date", "history_id"))
    latest = records[-1]
    transition = transitions_of(obj).last()
    assert transition.step == step and transition.by == by
    state_field = "status" if hasattr(obj, "STATUS_FLOW") else "state"
    assert getattr(latest, state_field) == transition.to_state == getattr(obj, state_field)
    assert latest.history_user == by
    assert latest.history_change_reason == step
    # One row for the step, not one for the state and another for the fields around it.
    assert [r.history_change_reason for r in records].count(step) == 1


def test_the_fields_passed_with_the_step_are_in_its_history_row(cast):
    need = web_need("电梯故障")
    need_services.accept_need(need_id=need.pk, by=cast.community_a1)
    latest = Need.objects.get(pk=need.pk).history.first()
    assert latest.state == "accepted" and latest.responded_at is not None


def test_a_stale_copy_loses_the_claim_and_records_nothing(cast):
    need = web_need("电梯故障")
    first, second = Need.objects.get(pk=need.pk), Need.objects.get(pk=need.pk)
    move(first, Need.FLOW["accept"], by=cast.community_a1)
    before = (Transition.objects.count(), need.history.count())
    with pytest.raises(WorkflowError) as exc:
        move(second, Need.FLOW["accept"], by=cast.community_a2)
    assert exc.value.code == "concurrent_change"
    assert (Transition.objects.count(), need.history.count()) == before
    assert Need.objects.get(pk=need.pk).history.first().history_user == cast.community_a1


def test_an_illegal_step_saves_nothing(cast):
    need = web_need("电梯故障")
    need.responded_at = timezone.now()
    with pytest.raises(WorkflowError) as exc:
        move(need, Need.FLOW["resolve"], by=cast.community_a1, also=["responded_at"])
    assert exc.value.code == "illegal_transition"
    assert Need.objects.get(pk=need.pk).responded_at is None
    assert need.history.count() == 1  # the creation only


def test_move_many_moves_in_batches_with_history_and_transitions(cast, monkeypatch):
    monkeypatch.setattr(workflow, "BATCH_SIZE", 2)
    offers = [OfferFactory() for _i in range(3)]
    member = cast.district
    gone = OfferFactory(state=Offer.State.WITHDRAWN)
    moved = move_many([*offers, gone], Offer.FLOW["expire"], by=member, note="到期")
    assert sorted(moved) == sorted(o.pk for o in offers)
    for offer in offers:
        offer.refresh_from_db()
        latest = offer.history.first()
        assert offer.state == latest.state == "expired"
        assert latest.history_user == member and latest.history_change_reason == "expire"
        assert [(t.step, t.by, t.note) for t in transitions_of(offer)] == [
            ("expire", member, "到期")
        ]
    assert not transitions_of(gone).exists()
    # Again: nothing left in a source state, nothing recorded twice.
    before = Transition.objects.count()
    assert move_many(Offer.objects.all(), Offer.FLOW["expire"], by=None) == []
    assert move_many([], Offer.FLOW["expire"], by=None) == []
    assert Transition.objects.count() == before


def test_move_many_stamps_auto_now_fields(cast):
    need = web_need("电梯故障")
    stamped = Need.objects.get(pk=need.pk).updated_at
    move_many(
        Need.objects.filter(pk=need.pk),
        Need.FLOW["accept"],
        by=cast.community_a1,
        changes={"responded_at": timezone.now() - datetime.timedelta(minutes=1)},
    )
    need.refresh_from_db()
    assert need.state == "accepted" and need.responded_at and need.updated_at > stamped


def test_the_workflow_log_names_first_steps_and_states_in_words(cast):
    offer, member, _step = _withdraw_offer(cast)
    workflow.record_creation(offer, by=member, state=Offer.State.ACTIVE, step="publish")
    labels = {t.step: (t.step_label(), t.state_label(t.to_state)) for t in transitions_of(offer)}
    assert labels["publish"] == ("发布", "有效")
    assert labels["withdraw"][1] == str(Offer.State.WITHDRAWN.label)
    assert all(label != step for step, (label, _state) in labels.items())
