"""Registry periodic jobs; settings merge BEAT_SCHEDULE into CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "registry-registration-deadline-alerts": {
        "task": "registry.tasks.send_registration_deadline_alerts",
        "schedule": crontab(hour=8, minute=0),
    },
    "registry-flag-missing-annual-reports": {
        "task": "registry.tasks.flag_missing_annual_reports",
        "schedule": crontab(hour=8, minute=10),
    },
}
