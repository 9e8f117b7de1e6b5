"""Kernel Celery tasks: thin, idempotent, safe to retry.

Task names follow one rule across the project: "<app>.<verb_noun>" (the app's label,
then what the task does), set explicitly so a module move never renames a task that
the beat tables or queued messages refer to.
"""

from celery import shared_task
from django.conf import settings

from huitian import services
from huitian.sweep import run_sweepers as run_all_sweepers


@shared_task(name="huitian.run_sweepers")
def run_sweepers() -> dict:
    return run_all_sweepers(settings.SWEEP_BATCH_SIZE)


@shared_task(name="huitian.deliver_notification_email")
def deliver_notification_email(notification_id: int) -> bool:
    return services.deliver_notification_email(notification_id=notification_id)


@shared_task(name="huitian.purge_idempotency_records")
def purge_idempotency_records() -> int:
    return services.purge_idempotency_records()


@shared_task(name="huitian.flush_expired_tokens")
def flush_expired_tokens() -> None:
    """Daily: drop expired app tokens from the outstanding and blacklist tables."""
    from django.core.management import call_command

    call_command("flushexpiredtokens", verbosity=0)
