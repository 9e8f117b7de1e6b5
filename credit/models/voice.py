"""Public voice (C5): residents rate an organization's service and complain about it.

Both are tied to something the resident took part in: a need the organization handled
(procurement) or an activity it organized (volunteers). A complaint counts only once
staff verified it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.workflow import Step, Workflow
from registry.models import Organization


def _organization(related_name: str):
    return models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("credit", "organization"),
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _resident(related_name: str):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resident"),
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class ResidentVoice(models.Model):
    """What a rating and a complaint share: the service it is about (exactly one need or
    activity the resident took part in), one per resident and service, and who sees it.
    Abstract: each keeps its own table (no schema change)."""

    need = models.ForeignKey(
        "procurement.Need",
        verbose_name=_("need"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    activity = models.ForeignKey(
        "volunteers.Activity",
        verbose_name=_("activity"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    scope = Scope(area="organization__home_area", organization="organization", owner="resident")

    class Meta:
        abstract = True

    @staticmethod
    def subject_constraints(prefix: str) -> list:
        """One subject, and one row per resident and subject (`<prefix>_one_subject`, …)."""
        return [
            models.CheckConstraint(
                condition=models.Q(need__isnull=True, activity__isnull=False)
                | models.Q(need__isnull=False, activity__isnull=True),
                name=f"{prefix}_one_subject",
            ),
            models.UniqueConstraint(
                fields=["resident", "need"],
                condition=models.Q(need__isnull=False),
                name=f"{prefix}_once_per_need",
            ),
            models.UniqueConstraint(
                fields=["resident", "activity"],
                condition=models.Q(activity__isnull=False),
                name=f"{prefix}_once_per_activity",
            ),
        ]


class ServiceReview(ResidentVoice):
    COMMENT_MAX_LENGTH = 500

    organization = _organization("service_reviews")
    resident = _resident("service_reviews")
    rating = models.PositiveSmallIntegerField(
        _("rating (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["-created_at", "-pk"]
        # The newest rating of one organization (the credit page's version) in one probe.
        indexes = [models.Index(fields=["organization", "id"], name="credit_review_org_newest")]
        constraints = [
            *ResidentVoice.subject_constraints("credit_review"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="credit_review_rating_range"
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.rating}/5"


class Complaint(ResidentVoice):
    TEXT_MAX_LENGTH = 1000

    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("complaint state", "Awaiting verification")
        VERIFIED = "verified", pgettext_lazy("complaint state", "Verified")
        REJECTED = "rejected", pgettext_lazy("complaint state", "Not verified")

    FLOW = Workflow(
        [
            Step("verify", (State.SUBMITTED,), State.VERIFIED, _("Verify the complaint"), True),
            Step("reject", (State.SUBMITTED,), State.REJECTED, _("Reject the complaint"), True),
        ]
    )

    organization = _organization("complaints")
    resident = _resident("credit_complaints")
    text = models.TextField(_("complaint"), max_length=TEXT_MAX_LENGTH)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED
    )
    decision = models.TextField(_("decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["organization", "state", "decided_on"])]
        constraints = ResidentVoice.subject_constraints("credit_complaint")

    def __str__(self):
        return f"{self.organization} {self.get_state_display()}"
