"""Idempotency-Key records of the app's POSTs (DESIGN.md, API)."""

import datetime

from django.db import models
from django.utils import timezone

from huitian.scope import SUPERUSERS_ONLY


class IdempotencyRecord(models.Model):
    """The first response to a POST that carried an Idempotency-Key (kept 24 h)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        DONE = "done"

    owner = models.CharField(max_length=80)  # "user:12" or "anon:<address>"
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    scope = SUPERUSERS_ONLY
    LIFETIME = datetime.timedelta(hours=24)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key", "endpoint"], name="unique_idempotency_key"
            )
        ]

    def __str__(self):
        return f"{self.owner} {self.key}"

    @property
    def expired(self) -> bool:
        return self.created_at < timezone.now() - self.LIFETIME
