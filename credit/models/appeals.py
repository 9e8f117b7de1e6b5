"""Appeals (申诉, C3): an organization objects to its star rating, a list entry or its
grade evaluation result (MCA Order No. 60: it may object to any credit record; the
registration body verifies, corrects errors and records the decision)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from credit.models.grades import Evaluation
from credit.models.lists import ListEntry
from credit.models.stars import StarRating
from huitian.scope import Scope
from huitian.workflow import Step, Workflow
from registry.models import Organization


class Appeal(models.Model):
    GROUNDS_MAX_LENGTH = 1000

    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("appeal state", "Submitted")
        UPHELD = "upheld", pgettext_lazy("appeal state", "Upheld")
        DISMISSED = "dismissed", pgettext_lazy("appeal state", "Dismissed")

    FLOW = Workflow(
        [
            Step("uphold", (State.SUBMITTED,), State.UPHELD, _("Uphold the appeal"), True),
            Step("dismiss", (State.SUBMITTED,), State.DISMISSED, _("Dismiss the appeal"), True),
        ]
    )

    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("credit", "organization"),
        on_delete=models.PROTECT,
        related_name="credit_appeals",
    )
    rating = models.ForeignKey(
        StarRating,
        verbose_name=_("star rating"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    list_entry = models.ForeignKey(
        ListEntry,
        verbose_name=_("credit list entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    grade = models.ForeignKey(
        Evaluation,
        verbose_name=_("grade evaluation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    grounds = models.TextField(_("grounds"), max_length=GROUNDS_MAX_LENGTH)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED
    )
    decision = models.TextField(_("decision"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    history = HistoricalRecords()

    scope = Scope(area="organization__home_area", organization="organization")

    class Meta:
        verbose_name = _("credit appeal")
        verbose_name_plural = _("credit appeals")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # Exactly one subject: a rating, a list entry or a grade evaluation.
            models.CheckConstraint(
                condition=models.Q(
                    rating__isnull=False, list_entry__isnull=True, grade__isnull=True
                )
                | models.Q(rating__isnull=True, list_entry__isnull=False, grade__isnull=True)
                | models.Q(rating__isnull=True, list_entry__isnull=True, grade__isnull=False),
                name="credit_appeal_one_of_three_subjects",
            ),
            models.UniqueConstraint(
                fields=["rating"],
                condition=models.Q(state="submitted", rating__isnull=False),
                name="credit_appeal_one_open_per_rating",
            ),
            models.UniqueConstraint(
                fields=["list_entry"],
                condition=models.Q(state="submitted", list_entry__isnull=False),
                name="credit_appeal_one_open_per_entry",
            ),
            models.UniqueConstraint(
                fields=["grade"],
                condition=models.Q(state="submitted", grade__isnull=False),
                name="credit_appeal_one_open_per_grade",
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.get_state_display()}"

    @property
    def subject_kind(self) -> str:
        return "grade" if self.grade_id else "list_entry" if self.list_entry_id else "rating"
