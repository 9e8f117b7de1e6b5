"""Celery tasks: thin wrappers taking ids; idempotent and safe to retry."""

from celery import shared_task


@shared_task(name="credit.apply_list_rules")
def apply_list_rules() -> dict:
    from credit.services import apply_list_rules as run

    return run()


@shared_task(name="credit.recompute_star_ratings")
def recompute_star_ratings() -> int:
    from credit.services import recompute_star_ratings as run

    return run()


@shared_task(name="credit.recompute_star_rating")
def recompute_star_rating(organization_id: int) -> int:
    from credit.services import recompute_star_ratings as run

    return run(organization_ids=[organization_id])
