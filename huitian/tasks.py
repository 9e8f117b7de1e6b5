"""Kernel Celery tasks: thin, idempotent, safe to retry."""

from celery import shared_task
from django.conf import settings

from huitian import services
from huitian.sweep import run_sweepers as run_all_sweepers


@shared_task(name="huitian.tasks.run_sweepers")
def run_sweepers() -> dict:
    return run_all_sweepers(settings.SWEEP_BATCH_SIZE)


@shared_task(name="huitian.tasks.deliver_notification_email")
def deliver_notification_email(notification_id: int) -> bool:
    return services.deliver_notification_email(notification_id=notification_id)


@shared_task(name="huitian.tasks.purge_idempotency_records")
def purge_idempotency_records() -> int:
    return services.purge_idempotency_records()
