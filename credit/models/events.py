"""The append-only credit record (C1): one row per credit event, never edited."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huitian.scope import Scope
from registry.models import Organization


class CreditEvent(models.Model):
    """A dated fact with an effect on an organization's credit.

    Written only by `credit.services.record_credit_event`; a database trigger refuses
    UPDATE and DELETE (migration 0002). A correction is a new event that reverses
    this one (`reverses`), with a reason and the user who was allowed to make it.
    """

    REASON_MAX_LENGTH = 500

    class Kind(models.TextChoices):
        ANNUAL_REPORT = "annual_report", _("Annual report conclusion")
        MISSING_REPORT = "missing_report", _("Missing annual report")
        INTERVIEW = "interview", _("Administrative interview")
        LIST_ENTRY = "list_entry", _("Entered on a credit list")
        LIST_REMOVAL = "list_removal", _("Removed from a credit list")
        WHISTLE_RESPONSE = "whistle_response", _("Responded to a whistle call")
        WHISTLE_NO_SHOW = "whistle_no_show", _("Did not show up after a whistle call")
        PURCHASE_EVALUATION = "purchase_evaluation", _("Purchase evaluation")
        COMPLAINT = "complaint", _("Verified complaint")
        HONOUR = "honour", _("Honour")
        GRADE = "grade", _("Evaluation grade")
        REVERSAL = "reversal", _("Correction (reverses an event)")

    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("credit", "organization"),
        on_delete=models.PROTECT,
        related_name="credit_events",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    effect = models.SmallIntegerField(
        _("score effect"), default=0, help_text=_("Points added to (or taken from) the score.")
    )
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    public = models.BooleanField(_("public"), default=True)
    summary = models.CharField(_("summary"), max_length=200)
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    reverses = models.OneToOneField(
        "self",
        verbose_name=pgettext_lazy("credit event", "reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(
        pgettext_lazy("credit event", "recorded at"), auto_now_add=True
    )

    # Staff of the home area; the organization's members. Public events are read
    # anonymously only through the disclosure selectors.
    scope = Scope(area="organization__home_area", organization="organization")

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["organization", "occurred_on"]),
            # The newest event of one organization (the credit page's version) in one probe.
            models.Index(fields=["organization", "id"], name="credit_event_org_newest"),
        ]
        constraints = [
            # One event per (kind, source): a retried caller records nothing twice.
            models.UniqueConstraint(
                fields=["organization", "kind", "source_type", "source_id"],
                condition=models.Q(source_id__isnull=False),
                name="credit_event_once_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(effect__gte=-100, effect__lte=100),
                name="credit_event_effect_range",
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.get_kind_display()} {self.occurred_on}"
