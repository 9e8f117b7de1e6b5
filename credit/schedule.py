"""Beat entries of the credit app (installed by `manage.py install_schedule`)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The list rules of MCA Order No. 60, applied once a day (idempotent).
    "credit-apply-list-rules": {
        "task": "credit.apply_list_rules",
        "schedule": crontab(minute=30, hour=2),
    },
    # Star ratings of community organizations, after the list rules.
    "credit-recompute-star-ratings": {
        "task": "credit.recompute_star_ratings",
        "schedule": crontab(minute=0, hour=3),
    },
}
