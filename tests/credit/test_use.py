"""C7: the lists and ratings used by the registry and procurement (no placeholders left)."""

import subprocess

import pytest
from django.conf import settings

from credit import services
from procurement import selectors as procurement_selectors
from procurement.models import Topic
from procurement.services import lists as need_lists
from registry import selectors as registry_selectors
from tests.conftest import api_as
from tests.credit.factories import FiledGroupFactory, old_organization
from tests.procurement.factories import NeedFactory, OfferFactory

pytestmark = pytest.mark.django_db


def listing(org, kind, cause, by):
    return services.enter_list(
        organization_id=org.pk, kind=kind, cause=cause, legal_basis="第九条", by=by
    )


def test_listed_organizations_are_not_eligible_contractors_and_staff_see_why(cast):
    fine, anomalous, dishonest = (old_organization() for _ in range(3))
    listing(anomalous, "anomaly", "light_penalty", cast.district)
    listing(dishonest, "dishonesty", "heavy_penalty", cast.district)
    eligible = set(registry_selectors.eligible_contractors())
    assert fine in eligible and anomalous not in eligible and dishonest not in eligible
    reasons = registry_selectors.ineligibility_reasons([fine.pk, anomalous.pk, dishonest.pk])
    assert set(reasons) == {anomalous.pk, dishonest.pk}
    assert "50,000" in reasons[anomalous.pk] or "5万" in reasons[anomalous.pk]


def test_a_listed_organization_is_no_matching_candidate_and_cannot_be_confirmed(cast):
    offer = OfferFactory()
    listed = offer.organization
    for _ in range(2):
        NeedFactory(grouped_at=None, submitter=None)
    need_lists.group_pending_needs(100)
    topic = Topic.objects.get()
    assert listed.pk in [c.organization.pk for c in procurement_selectors.offer_candidates(topic)]
    listing(listed, "dishonesty", "debtor", cast.district)
    assert listed.pk not in [
        c.organization.pk for c in procurement_selectors.offer_candidates(topic)
    ]
    r = api_as(cast.community_a1).post(
        f"/api/v1/topics/{topic.pk}/confirm-match/", {"organization": listed.pk}, format="json"
    )
    assert r.status_code == 409 and r.data["code"] == "not_a_candidate"


def test_star_ratings_feed_the_matching_rank(cast):
    strong = OfferFactory(organization=old_organization(FiledGroupFactory)).organization
    unrated = OfferFactory().organization
    for _ in range(2):
        NeedFactory(grouped_at=None, submitter=None)
    need_lists.group_pending_needs(100)
    topic = Topic.objects.get()
    services.recompute_star_ratings()
    rows = {c.organization.pk: c for c in procurement_selectors.offer_candidates(topic)}
    credit = {pk: next(r for r in c.reasons if r["factor"] == "credit") for pk, c in rows.items()}
    assert credit[unrated.pk]["value"] == 0.5
    rating = strong.star_ratings.get()
    assert credit[strong.pk]["value"] == round(float(rating.score) / 100, 2)
    assert procurement_selectors.credit_score(strong)[0] == float(rating.score) / 100


def test_guided_exit_candidates_include_listed_and_low_rated_organizations(cast):
    fine = old_organization(FiledGroupFactory, year=2026)
    listed = old_organization(year=2026)
    weak = old_organization(FiledGroupFactory, year=2026)
    listing(listed, "anomaly", "unreachable", cast.district)
    for _ in range(3):
        services.record_credit_event(
            organization_id=weak.pk, kind="whistle_no_show", summary="未到", effect=-30
        )
    listing(weak, "dishonesty", "heavy_penalty", cast.district)
    services.recompute_star_ratings()
    assert weak.star_ratings.get().stars == 1 and fine.star_ratings.get().stars == 2
    found = set(registry_selectors.guided_exit_candidates(year=2025))
    assert listed in found and weak in found and fine not in found


def test_no_optional_credit_import_or_todo_is_left():
    root = settings.BASE_DIR
    out = subprocess.run(
        [
            "grep",
            "-rn",
            "-e",
            "TODO(credit)",
            "-e",
            "except ImportError",
            "registry",
            "procurement",
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert out.stdout == ""
