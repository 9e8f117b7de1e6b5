"""Kernel periodic jobs, installed by `manage.py install_schedule` (see settings)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The sweep of "the record is the queue": picks up rows whose message never arrived.
    "sweep-pending-work": {"task": "huitian.run_sweepers", "schedule": 60.0},
    "purge-idempotency-records": {"task": "huitian.purge_idempotency_records", "schedule": 3600.0},
    "flush-expired-tokens": {
        "task": "huitian.flush_expired_tokens",
        "schedule": crontab(hour=3, minute=30),
    },
}
