"""The item 6 demo seeds four grades and a spot check, once (idempotent)."""

import io

import pytest

from huitian.models import Role
from procurement import demo_evaluation
from procurement.models import Evaluation, Installment, SpotCheck
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once(cast):
    OrganizationFactory.create_batch(4)
    users = {
        Role.DISTRICT_ADMIN: cast.district,
        Role.STREET_STAFF: cast.street_a,
        Role.EVALUATOR: cast.evaluator,
    }
    for _ in range(2):
        demo_evaluation.seed(users=users, stdout=io.StringIO())
    grades = sorted(Evaluation.objects.values_list("grade", flat=True))
    assert grades == ["excellent", "fail", "good", "pass"]
    assert Installment.objects.filter(is_final=True, state="withheld").count() == 1
    assert Installment.objects.filter(is_final=True, state="paid").count() == 3
    check = SpotCheck.objects.get()
    assert check.seed == demo_evaluation.SEED and check.items.count() == 2
