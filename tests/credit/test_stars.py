"""C3: the versioned star model and the ratings of community organizations."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from credit import selectors, services, tasks
from credit.models import StarModel, StarRating
from registry.models import AnnualReport
from tests.credit.factories import (
    FiledGroupFactory,
    OrganizationFactory,
    assert_breakdown,
    old_organization,
)

pytestmark = pytest.mark.django_db
WEIGHTS = {"governance": 30, "activity": 20, "service": 20, "finance": 10, "credit": 20}


def test_a_model_version_is_published_only_when_weights_and_thresholds_make_sense(cast):
    with pytest.raises(ValidationError) as weights:
        services.publish_star_model(
            by=cast.district, weights=WEIGHTS | {"credit": 19}, thresholds=[40, 55, 70, 85]
        )
    assert "99 %" in weights.value.message_dict["weight_governance"][0]
    for bad in ([40, 40, 70, 85], [55, 40, 70, 85], [0, 55, 70, 85], [40, 55, 70, 101], [40, 55]):
        with pytest.raises(ValidationError) as order:
            services.publish_star_model(by=cast.district, weights=WEIGHTS, thresholds=bad)
        assert "min_two" in order.value.message_dict
    for who in ("street_a", "auditor", "evaluator", "resident"):
        with pytest.raises(PermissionDenied):
            services.publish_star_model(
                by=getattr(cast, who), weights=WEIGHTS, thresholds=[40, 55, 70, 85]
            )
    model = services.publish_star_model(
        by=cast.district, weights=WEIGHTS, thresholds=[30, 50, 70, 90], note="第二版"
    )
    assert (model.version, model.weights(), model.created_by) == (2, WEIGHTS, cast.district)
    assert StarModel.objects.get(version=1).weight_governance == 25  # earlier versions stay
    with pytest.raises(DatabaseError), transaction.atomic():
        StarModel.objects.filter(pk=model.pk).update(min_two=10)


def rated(org) -> StarRating:
    return StarRating.objects.filter(organization=org).order_by("-computed_at", "-pk").first()


def test_ratings_store_version_and_breakdown_and_recomputing_twice_changes_nothing(cast):
    good = old_organization(FiledGroupFactory)
    weak = old_organization(FiledGroupFactory)
    registered = OrganizationFactory()  # graded, not starred
    AnnualReport.objects.create(organization=good, year=2025, summary="好", conclusion="pass")
    AnnualReport.objects.create(organization=weak, year=2025, summary="差", conclusion="fail")
    services.enter_list(
        organization_id=weak.pk,
        kind="anomaly",
        cause="light_penalty",
        legal_basis="警告",
        by=cast.district,
    )
    today = datetime.date(2026, 6, 1)
    assert services.recompute_star_ratings(today=today) == 2
    assert services.recompute_star_ratings(today=today) == 0
    assert tasks.recompute_star_ratings.delay().get() == 0
    assert StarRating.objects.count() == 2 and not StarRating.objects.filter(
        organization=registered
    )
    for org in (good, weak):
        rating = rated(org)
        assert_breakdown(rating)
        assert rating.model.version == 1
    assert rated(good).score > rated(weak).score
    assert rated(good).stars > rated(weak).stars
    finance = {row["component"]: row for row in rated(weak).breakdown}["finance"]
    assert (finance["value"], finance["points"]) == (40, "6.00")
    assert "活动异常名录" in finance["why"] or "anomaly" in finance["why"]


def test_a_new_model_version_rates_again_with_its_version(cast):
    org = old_organization(FiledGroupFactory)
    services.recompute_star_ratings()
    services.publish_star_model(by=cast.district, weights=WEIGHTS, thresholds=[10, 20, 30, 40])
    assert services.recompute_star_ratings() == 1
    ratings = list(StarRating.objects.filter(organization=org).order_by("pk"))
    assert [r.model.version for r in ratings] == [1, 2]
    for rating in ratings:
        assert_breakdown(rating)


def test_a_rating_whose_words_alone_changed_is_written_again(cast, monkeypatch):
    """Same model, same score, another explanation: a new rating (the breakdown is
    compared, not only the model and the score); then nothing more."""
    from credit.services import stars as star_services

    org, other = old_organization(FiledGroupFactory), old_organization(FiledGroupFactory)
    assert services.recompute_star_ratings() == 2
    real = star_services.star_components

    def reworded(batch, **kwargs):
        components = real(batch, **kwargs)
        value, _why = components[org.pk]["finance"]
        components[org.pk]["finance"] = (value, "措辞已修订")
        return components

    monkeypatch.setattr(star_services, "star_components", reworded)
    assert services.recompute_star_ratings() == 1
    assert services.recompute_star_ratings() == 0
    latest = rated(org)
    assert latest.score == StarRating.objects.filter(organization=org).earliest("pk").score
    assert {row["component"]: row["why"] for row in latest.breakdown}["finance"] == "措辞已修订"
    assert StarRating.objects.filter(organization=other).count() == 1


def test_a_relevant_event_recomputes_the_rating_on_commit(cast, django_capture_on_commit_callbacks):
    from registry import services as registry_services

    org = old_organization(FiledGroupFactory)
    services.recompute_star_ratings()
    before = rated(org)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.hold_interview(
            organization_id=org.pk, by=cast.street_a, reason="other", held_on=datetime.date.today()
        )
    after = rated(org)
    assert after.pk != before.pk and after.score < before.score
    assert_breakdown(after)
    by = {row["component"]: row for row in after.breakdown}
    assert by["credit"]["value"] == 65 and by["governance"]["value"] == 15


def test_ratings_are_append_only():
    org = old_organization(FiledGroupFactory)
    services.recompute_star_ratings()
    with pytest.raises(DatabaseError), transaction.atomic():
        StarRating.objects.filter(organization=org).update(score=Decimal("99"))
    assert_breakdown(rated(org))


def test_breakdown_points_add_up_exactly_for_awkward_weights(cast):
    services.publish_star_model(
        by=cast.district,
        weights={"governance": 33, "activity": 33, "service": 17, "finance": 9, "credit": 8},
        thresholds=[41, 57, 73, 89],
    )
    orgs = [old_organization(FiledGroupFactory) for _ in range(3)]
    AnnualReport.objects.create(organization=orgs[0], year=2025, summary="x", conclusion="basic")
    services.recompute_star_ratings()
    for org in orgs:
        assert_breakdown(rated(org))
    assert selectors.rating_score(orgs[0]) == float(rated(orgs[0]).score) / 100


def test_an_interrupted_recompute_run_again_gives_the_same_ratings(cast, monkeypatch):
    from credit.services import stars as star_services

    orgs = [old_organization(FiledGroupFactory) for _ in range(5)]
    AnnualReport.objects.create(organization=orgs[1], year=2025, summary="x", conclusion="pass")
    monkeypatch.setattr(star_services, "BATCH", 2)
    calls = {"n": 0}
    real = star_services.star_components

    def failing(batch, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker lost")
        return real(batch, **kwargs)

    monkeypatch.setattr(star_services, "star_components", failing)
    with pytest.raises(RuntimeError):
        services.recompute_star_ratings()
    assert StarRating.objects.count() == 2  # the first batch was committed
    monkeypatch.setattr(star_services, "star_components", real)
    assert services.recompute_star_ratings() == 3
    assert services.recompute_star_ratings() == 0
    assert StarRating.objects.count() == 5
    for org in orgs:
        assert_breakdown(rated(org))


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_at_once_write_each_rating_once():
    import threading

    from django.db import connection

    from huitian import services as kernel

    kernel.load_areas()
    orgs = [old_organization(FiledGroupFactory) for _ in range(4)]
    barrier = threading.Barrier(2)
    written = []

    def run():
        try:
            barrier.wait()
            written.append(services.recompute_star_ratings())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(written) == [0, 4]
    assert StarRating.objects.count() == 4
    for org in orgs:
        assert_breakdown(rated(org))


def test_recompute_runs_a_fixed_number_of_queries_whatever_the_number_of_groups():
    from tests.queries import count_queries

    for _ in range(2):
        old_organization(FiledGroupFactory)
    few = count_queries(lambda: services.recompute_star_ratings(today=datetime.date(2026, 1, 1)))
    for _ in range(6):
        old_organization(FiledGroupFactory)
    many = count_queries(lambda: services.recompute_star_ratings(today=datetime.date(2026, 1, 2)))
    assert many == few
    assert StarRating.objects.count() == 8
