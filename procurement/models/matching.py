"""A confirmed match between a topic (or purchase item) and an organization (P4)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huitian.scope import Scope


class Match(models.Model):
    topic = models.ForeignKey(
        "procurement.Topic",
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        related_name="matches",
    )
    purchase_item = models.ForeignKey(
        "procurement.PurchaseItem",
        verbose_name=_("purchase-service item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matches",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="matches",
    )
    offer = models.ForeignKey(
        "procurement.Offer",
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matches",
    )
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=3)
    reasons = models.JSONField(_("why"), default=list)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="topic__area", organization="organization")

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-confirmed_at"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "organization"], name="match_topic_org")
        ]

    def __str__(self):
        return f"{self.topic} → {self.organization}"
