"""Registry periodic jobs, installed by `manage.py install_schedule` (never overwritten)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "registry-registration-deadline-alerts": {
        "task": "registry.send_registration_deadline_alerts",
        "schedule": crontab(hour=8, minute=0),
    },
    "registry-flag-missing-annual-reports": {
        "task": "registry.flag_missing_annual_reports",
        "schedule": crontab(hour=8, minute=10),
    },
}
