"""Supervision and evaluation of purchase contracts (P8, item 6).

Process supervision (过程督导): visits with findings, and corrective actions that must
be closed before a contract is evaluated. Post-evaluation (绩效评价) of one contract
year by the purchaser or a third-party evaluator: quantity, quality against the
standard, beneficiary satisfaction from survey responses; a re-evaluation is a new
row, never an edit (the table is append-only). Spot-check audits (抽查审计): a
reproducible random sample of contracts per period, the seed recorded, findings and
corrections per drawn contract.

Who may act is decided in `procurement.services.evaluation` / `spot_checks`; what a
user may read is each model's `scope`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area
from huitian.scope import Scope
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from procurement.models import limits
from procurement.models.contracts import Contract, ContractPeriod, EvaluationGrade

FINDINGS_MAX = 2000
ACTION_MAX = 1000
COMMENT_MAX = 500
LABEL_MAX = 40
SCORE = {"max_digits": 5, "decimal_places": 2}


def score_range(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}), name=name
    )


class SupervisionVisit(models.Model):
    """A process-supervision visit (督导走访) to a contract in service, with its findings."""

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="supervision_visits",
    )
    visited_on = models.DateField(_("visit date"))
    # Who visited: the purchaser's staff or the project's third-party evaluator.
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visitor"),
        on_delete=models.PROTECT,
        related_name="supervision_visits",
    )
    findings = models.TextField(
        _("findings"), max_length=FINDINGS_MAX, validators=[validate_clean_text]
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    scope = Scope(
        area="contract__project__area",
        organization="contract__organization",
        evaluated="contract__project__evaluator",
    )

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [limits.at_most("findings", FINDINGS_MAX, name="supervision_findings_length")]

    def __str__(self):
        return f"{self.contract} · {self.visited_on:%Y-%m-%d}"


class CorrectiveAction(models.Model):
    """A correction a visit asks for (整改); while one is open the contract is not evaluated."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("corrective action state", "Open")
        CLOSED = "closed", pgettext_lazy("corrective action state", "Closed")

    FLOW = Workflow(
        [
            Step(
                "close",
                (State.OPEN,),
                State.CLOSED,
                pgettext_lazy("corrective action step", "Close as corrected"),
                needs_note=True,
            ),
            Step(
                "reopen",
                (State.CLOSED,),
                State.OPEN,
                pgettext_lazy("corrective action step", "Reopen"),
                needs_note=True,
            ),
        ]
    )

    visit = models.ForeignKey(
        SupervisionVisit,
        verbose_name=_("supervision visit"),
        on_delete=models.PROTECT,
        related_name="actions",
    )
    description = models.TextField(
        _("what must be corrected"), max_length=ACTION_MAX, validators=[validate_clean_text]
    )
    due = models.DateField(_("due by"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    scope = Scope(
        area="visit__contract__project__area",
        organization="visit__contract__organization",
        evaluated="visit__contract__project__evaluator",
    )

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due", "pk"]
        constraints = [limits.at_most("description", ACTION_MAX, name="corrective_action_length")]

    def __str__(self):
        return self.description[:40]


class SurveyResponse(models.Model):
    """One beneficiary's satisfaction answer for a contract year, entered or imported.

    No personal data: the respondent is not named; a rating of 1 (very dissatisfied)
    to 5 (very satisfied)."""

    class Source(models.TextChoices):
        ENTERED = "entered", pgettext_lazy("survey source", "Entered")
        IMPORTED = "imported", pgettext_lazy("survey source", "Imported")

    period = models.ForeignKey(
        ContractPeriod,
        verbose_name=_("contract year"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    rating = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    comment = models.CharField(
        _("comment"), max_length=COMMENT_MAX, blank=True, validators=[validate_clean_text]
    )
    answered_on = models.DateField(_("answered on"))
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.ENTERED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    scope = Scope(
        area="period__contract__project__area",
        evaluated="period__contract__project__evaluator",
    )

    class Meta:
        verbose_name = _("satisfaction survey response")
        verbose_name_plural = _("satisfaction survey responses")
        ordering = ["period", "-answered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="survey_rating_range"
            ),
        ]

    def __str__(self):
        return f"{self.period} · {self.rating}"


class Evaluation(models.Model):
    """The post-evaluation of one contract year. Append-only: a re-evaluation (after a
    failed one was corrected) is a new row; the period holds the latest result."""

    class EvaluatorKind(models.TextChoices):
        PURCHASER = "purchaser", pgettext_lazy("evaluator kind", "Purchaser")
        THIRD_PARTY = "third_party", pgettext_lazy("evaluator kind", "Third-party evaluator")

    period = models.ForeignKey(
        ContractPeriod,
        verbose_name=_("contract year"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    evaluator_kind = models.CharField(
        _("evaluated by"), max_length=16, choices=EvaluatorKind.choices
    )
    # A third-party evaluator's user (None when the purchaser evaluates).
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("third-party evaluator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="post_evaluations",
    )
    quantity_score = models.DecimalField(_("quantity delivered (score)"), **SCORE)
    quality_score = models.DecimalField(_("quality against the standard (score)"), **SCORE)
    satisfaction_score = models.DecimalField(_("beneficiary satisfaction (score)"), **SCORE)
    survey_count = models.PositiveIntegerField(_("survey responses"))
    overall_score = models.DecimalField(_("overall score"), **SCORE)
    grade = models.CharField(_("grade"), max_length=16, choices=EvaluationGrade.choices)
    opinion = models.TextField(
        _("opinion"), max_length=FINDINGS_MAX, blank=True, validators=[validate_clean_text]
    )
    # The evaluation this one replaces (a re-evaluation after correction).
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("re-evaluation of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)

    scope = Scope(
        area="period__contract__project__area",
        organization="period__contract__organization",
        evaluated="evaluator",
    )

    class Meta:
        verbose_name = _("post-evaluation")
        verbose_name_plural = _("post-evaluations")
        ordering = ["-evaluated_at", "-pk"]
        constraints = [
            score_range("quantity_score", "evaluation_quantity_range"),
            score_range("quality_score", "evaluation_quality_range"),
            score_range("satisfaction_score", "evaluation_satisfaction_range"),
            score_range("overall_score", "evaluation_overall_range"),
            models.CheckConstraint(
                condition=Q(evaluator_kind="purchaser") | Q(evaluator__isnull=False),
                name="evaluation_third_party_named",
            ),
            limits.at_most("opinion", FINDINGS_MAX, name="evaluation_opinion_length"),
        ]

    def __str__(self):
        return f"{self.period} · {self.overall_score} ({self.get_grade_display()})"


class SpotCheck(models.Model):
    """A spot-check audit (抽查审计) of one period: contracts drawn at random from an area.

    The seed is recorded, so anyone can draw the same sample again from the same
    population (`procurement.services.spot_checks.draw_sample`)."""

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    label = models.CharField(_("period"), max_length=LABEL_MAX, validators=[validate_clean_text])
    seed = models.BigIntegerField(_("random seed"))
    sample_size = models.PositiveSmallIntegerField(_("sample size"))
    population_count = models.PositiveIntegerField(_("contracts to draw from"))
    contracts = models.ManyToManyField(
        Contract,
        verbose_name=_("contracts drawn"),
        through="SpotCheckItem",
        related_name="spot_checks",
    )
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("drawn at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="area")

    class Meta:
        verbose_name = _("spot-check audit")
        verbose_name_plural = _("spot-check audits")
        ordering = ["-drawn_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "label"], name="spot_check_once_per_period"),
            models.CheckConstraint(
                condition=Q(sample_size__gt=0), name="spot_check_sample_positive"
            ),
        ]

    def __str__(self):
        return f"{self.area} · {self.label}"


class SpotCheckItem(models.Model):
    """One drawn contract of a spot check: what the audit found and how it was corrected."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("spot check item state", "To check")
        CLEAR = "clear", pgettext_lazy("spot check item state", "No findings")
        FINDINGS = "findings", pgettext_lazy("spot check item state", "Findings to correct")
        CORRECTED = "corrected", pgettext_lazy("spot check item state", "Corrected")

    S = State
    FLOW = Workflow(
        [
            Step("clear", (S.PENDING,), S.CLEAR, _("No findings")),
            Step("find", (S.PENDING,), S.FINDINGS, _("Record findings")),
            Step("correct", (S.FINDINGS,), S.CORRECTED, _("Record the correction")),
        ]
    )

    spot_check = models.ForeignKey(
        SpotCheck,
        verbose_name=_("spot-check audit"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(
        _("findings"), max_length=FINDINGS_MAX, blank=True, validators=[validate_clean_text]
    )
    correction = models.TextField(
        _("correction"), max_length=FINDINGS_MAX, blank=True, validators=[validate_clean_text]
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    history = HistoricalRecords()

    scope = Scope(area="spot_check__area")

    class Meta:
        verbose_name = _("spot-checked contract")
        verbose_name_plural = _("spot-checked contracts")
        ordering = ["spot_check", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "contract"], name="spot_check_item_once"),
            limits.at_most("findings", FINDINGS_MAX, name="spot_check_findings_length"),
            limits.at_most("correction", FINDINGS_MAX, name="spot_check_correction_length"),
        ]

    def __str__(self):
        return f"{self.spot_check} · {self.contract}"
