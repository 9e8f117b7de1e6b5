"""In-app notifications (K6), with e-mail through the sweep."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huitian.scope import Scope


class Notification(models.Model):
    """An in-app message to one user (K6); e-mail/SMS hooks read the same rows."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("notification", "recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=48)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The row is the queue for e-mail: pending while wants_email and email_sent_at is NULL.
    wants_email = models.BooleanField(_("send by e-mail"), default=False)
    email_sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    scope = Scope(owner="recipient")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(wants_email=True, email_sent_at__isnull=True),
                name="notification_email_pending",
            ),
        ]

    def __str__(self):
        return self.title
