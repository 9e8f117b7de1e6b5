"""Spot-check audits: a reproducible random sample per period (issue 9, item 6)."""

import pytest
from django.core.exceptions import ValidationError

from huitian.access import Forbidden, visible
from huitian.models import Transition
from huitian.workflow import WorkflowError
from procurement.error_codes import ErrorCode
from procurement.models import SpotCheck, SpotCheckItem
from procurement.services import spot_checks as svc
from tests.conftest import STREET_A, STREET_B
from tests.procurement.purchases import in_service

pytestmark = pytest.mark.django_db


def test_the_same_seed_draws_the_same_sample():
    ids = list(range(1, 101))
    assert svc.draw_sample(ids, 42, 10) == svc.draw_sample(list(reversed(ids)), 42, 10)
    assert svc.draw_sample(ids, 42, 10) != svc.draw_sample(ids, 43, 10)
    assert len(set(svc.draw_sample(ids, 7, 10))) == 10
    assert svc.draw_sample([3, 1], 7, 10) == [1, 3]  # never more than there are


def test_a_spot_check_records_its_seed_and_can_be_drawn_again(cast):
    contracts = [in_service(cast, title=f"项目{n}") for n in range(5)]
    street = cast.area(STREET_A)
    check = svc.draw_spot_check(
        area=street, label="2026 Q2", sample_size=2, seed=20260601, by=cast.street_a
    )
    drawn = sorted(check.contracts.values_list("pk", flat=True))
    assert len(drawn) == 2 and check.population_count == 5 and check.seed == 20260601
    assert set(drawn) <= {c.pk for c in contracts}
    again = svc.draw_spot_check(
        area=street, label="2026 Q2 复核", sample_size=2, seed=20260601, by=cast.district
    )
    assert sorted(again.contracts.values_list("pk", flat=True)) == drawn
    assert svc.draw_sample(svc.population(street), check.seed, check.sample_size) == drawn
    unseeded = svc.draw_spot_check(area=street, label="2026 Q3", sample_size=1, by=cast.street_a)
    assert unseeded.seed >= 0


def test_findings_and_corrections_are_recorded_per_contract(cast):
    in_service(cast)
    in_service(cast, title="第二个项目")
    check = svc.draw_spot_check(
        area=cast.area(STREET_A), label="2026", sample_size=2, seed=1, by=cast.street_a
    )
    first, second = check.items.order_by("pk")
    svc.record_findings(item_id=first.pk, findings="台账缺两次签到", by=cast.street_a)
    svc.record_findings(item_id=second.pk, findings="", by=cast.street_a)
    with pytest.raises(ValidationError):
        svc.record_correction(item_id=first.pk, correction=" ", by=cast.street_a)
    svc.record_correction(item_id=first.pk, correction="已补签并说明", by=cast.street_a)
    assert SpotCheckItem.objects.get(pk=first.pk).state == "corrected"
    assert SpotCheckItem.objects.get(pk=second.pk).state == "clear"
    assert Transition.objects.filter(object_id=first.pk, step__in=["find", "correct"]).count() == 2
    with pytest.raises(WorkflowError) as refused:
        svc.record_correction(item_id=second.pk, correction="无", by=cast.street_a)
    assert refused.value.code == ErrorCode.ILLEGAL_TRANSITION


def test_refusals(cast):
    street_a = cast.area(STREET_A)
    with pytest.raises(WorkflowError) as refused:
        svc.draw_spot_check(area=street_a, label="2026", sample_size=3, by=cast.street_a)
    assert refused.value.code == ErrorCode.NOTHING_TO_DRAW
    in_service(cast)
    with pytest.raises(Forbidden):
        svc.draw_spot_check(area=street_a, label="2026", sample_size=3, by=cast.street_b)
    with pytest.raises(Forbidden):
        svc.draw_spot_check(area=street_a, label="2026", sample_size=3, by=cast.auditor)
    for bad in ({"sample_size": 0}, {"label": " "}, {"seed": -1}):
        args = {"area": street_a, "label": "2026", "sample_size": 3, "by": cast.street_a} | bad
        with pytest.raises(ValidationError):
            svc.draw_spot_check(**args)
    svc.draw_spot_check(area=street_a, label="2026", sample_size=3, by=cast.street_a)
    with pytest.raises(WorkflowError) as refused:
        svc.draw_spot_check(area=street_a, label="2026", sample_size=3, by=cast.street_a)
    assert refused.value.code == ErrorCode.SPOT_CHECK_EXISTS
    with pytest.raises(WorkflowError) as refused:
        svc.draw_spot_check(area=cast.area(STREET_B), label="2026", sample_size=3, by=cast.street_b)
    assert refused.value.code == ErrorCode.NOTHING_TO_DRAW  # street A's contract is not B's
    item = SpotCheckItem.objects.get()
    with pytest.raises(Forbidden):
        svc.record_findings(item_id=item.pk, findings="越权", by=cast.street_b)


def test_spot_checks_are_scoped(cast):
    in_service(cast)
    svc.draw_spot_check(area=cast.area(STREET_A), label="2026", sample_size=1, by=cast.street_a)
    for who, sees in [
        (cast.district, True),
        (cast.auditor, True),
        (cast.street_a, True),
        (cast.street_b, False),
        (cast.resident, False),
    ]:
        assert visible(who, SpotCheck.objects.all()).exists() == sees, who
        assert visible(who, SpotCheckItem.objects.all()).exists() == sees, who
