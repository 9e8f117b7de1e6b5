"""Beat entries for the lead to merge (settings read BEAT_SCHEDULE from here)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # Brings the current period's needs list up to date (incremental, idempotent).
    "procurement-compile-needs-list": {
        "task": "procurement.compile_needs_list",
        "schedule": crontab(minute=15, hour="*/3"),
    },
    # Warns owners a week ahead, then expires offers past their date.
    "procurement-expire-offers": {
        "task": "procurement.expire_offers",
        "schedule": crontab(minute=5, hour=1),
    },
    # Needs near or past their response or resolution deadline: the handling staff hear once.
    "procurement-need-deadline-alerts": {
        "task": "procurement.need_deadline_alerts",
        "schedule": crontab(minute=30, hour="7-19"),
    },
}
