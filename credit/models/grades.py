"""Grade evaluation of registered organizations (等级评估, 1A–5A, C3).

A round is opened by the registration body with the grade model in force; each
organization evaluated in it gets an `Evaluation` assigned to a third-party evaluator,
who enters the indicator scores; the registration body then awards the grade, valid
five years, which becomes a credit event.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.workflow import Step, Workflow
from registry.models import Organization

# The four first-level indicators of the MCA evaluation standard and their points (1000).
INDICATORS = ("basic", "governance", "performance", "social")
INDICATOR_MAX = {"basic": 60, "governance": 400, "performance": 440, "social": 100}
INDICATOR_LABELS = {
    "basic": _("Basic conditions"),
    "governance": _("Internal governance"),
    "performance": _("Work performance"),
    "social": _("Social evaluation"),
}
GRADE_YEARS = 5
GRADE_THRESHOLDS = ("min_one", "min_two", "min_three", "min_four", "min_five")


def grade_label(grade: int | None) -> str:
    return f"{grade}A" if grade else str(_("no grade"))


class GradeModel(models.Model):
    """One version of the grade thresholds (minimum total of 1000 points for 1A…5A,
    strictly rising). Never changed once saved: staff publish a new version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    min_one = models.PositiveSmallIntegerField(_("minimum total for 1A"))
    min_two = models.PositiveSmallIntegerField(_("minimum total for 2A"))
    min_three = models.PositiveSmallIntegerField(_("minimum total for 3A"))
    min_four = models.PositiveSmallIntegerField(_("minimum total for 4A"))
    min_five = models.PositiveSmallIntegerField(_("minimum total for 5A"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("grade model")
        verbose_name_plural = _("grade models")
        ordering = ["-version"]

    def __str__(self):
        return _("Grade model v%(v)s") % {"v": self.version}

    def thresholds(self) -> list[int]:
        return [getattr(self, name) for name in GRADE_THRESHOLDS]

    def grade_for(self, total) -> int:
        """0 (below 1A) to 5."""
        return sum(1 for t in self.thresholds() if total >= t)


class EvaluationRound(models.Model):
    year = models.PositiveSmallIntegerField(pgettext_lazy("credit", "year"))
    name = models.CharField(_("name"), max_length=100)
    model = models.ForeignKey(
        GradeModel, verbose_name=_("grade model"), on_delete=models.PROTECT, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(
        pgettext_lazy("evaluation round", "opened at"), auto_now_add=True
    )

    # Rounds are announced publicly.
    scope = Scope(public=True)

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "-pk"]

    def __str__(self):
        return self.name if str(self.year) in self.name else f"{self.year} {self.name}"


class Evaluation(models.Model):
    COMMENTS_MAX_LENGTH = 2000

    class State(models.TextChoices):
        ASSIGNED = "assigned", pgettext_lazy("evaluation state", "Assigned")
        SCORED = "scored", pgettext_lazy("evaluation state", "Scored")
        AWARDED = "awarded", pgettext_lazy("evaluation state", "Grade awarded")

    FLOW = Workflow(
        [
            Step("score", (State.ASSIGNED, State.SCORED), State.SCORED, _("Enter the scores")),
            Step("award", (State.SCORED,), State.AWARDED, _("Award the grade")),
            # An upheld appeal sends the result back to the evaluator (re-evaluation).
            Step(
                "reopen",
                (State.AWARDED,),
                State.SCORED,
                _("Re-evaluate after an upheld appeal"),
                True,
            ),
        ]
    )

    round = models.ForeignKey(
        EvaluationRound,
        verbose_name=_("evaluation round"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("credit", "organization"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("third-party evaluator"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.ASSIGNED
    )
    score_basic = models.DecimalField(
        _("basic conditions (of 60)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    score_governance = models.DecimalField(
        _("internal governance (of 400)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    score_performance = models.DecimalField(
        _("work performance (of 440)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    score_social = models.DecimalField(
        _("social evaluation (of 100)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    comments = models.TextField(_("evaluator's comments"), blank=True)
    total = models.DecimalField(
        _("total (of 1000)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    # Staff of the home area, the organization's members, and the evaluator it is assigned to.
    scope = Scope(
        area="organization__home_area", organization="organization", evaluated="evaluator"
    )

    class Meta:
        verbose_name = _("grade evaluation")
        verbose_name_plural = _("grade evaluations")
        ordering = ["-round__year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"], name="credit_evaluation_once_per_round"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__isnull=True) | models.Q(grade__lte=5),
                name="credit_evaluation_grade_range",
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.round}"

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade)

    def scores(self) -> dict:
        return {name: getattr(self, f"score_{name}") for name in INDICATORS}
