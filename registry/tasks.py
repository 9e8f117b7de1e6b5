from celery import shared_task

from registry import services


@shared_task(name="registry.send_registration_deadline_alerts", acks_late=True)
def send_registration_deadline_alerts() -> int:
    """Daily: near-due and overdue registration decisions (idempotent per day)."""
    return services.registration_deadline_alerts()


@shared_task(name="registry.flag_missing_annual_reports", acks_late=True)
def flag_missing_annual_reports() -> int:
    """Daily: after a year's report deadline, tell organizations whose report is missing."""
    return services.flag_missing_annual_reports()
