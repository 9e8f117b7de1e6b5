"""A contract's yearly periods (跨年度连续购买, at most three) and their installments."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import LedgerMovement
from huitian.models.ledger import MONEY
from huitian.scope import Scope
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from procurement.models.contracts.contract import (
    NAME_MAX,
    PASSING_GRADES,
    Contract,
    EvaluationGrade,
)
from procurement.models.funds import Budget
from procurement.models.projects import MAX_CONTRACT_YEARS


class ContractPeriod(models.Model):
    """One year of a (multi-year) contract: its amount is committed in the ledger when
    the period opens; its evaluation (item 6) decides whether the next one may open."""

    class State(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("contract period state", "Planned")
        COMMITTED = "committed", pgettext_lazy("contract period state", "Committed")
        EVALUATED = "evaluated", pgettext_lazy("contract period state", "Evaluated")
        SETTLED = "settled", pgettext_lazy("contract period state", "Settled")
        CANCELLED = "cancelled", pgettext_lazy("contract period state", "Cancelled")

    S = State
    FLOW = Workflow(
        [
            Step("commit", (S.PLANNED,), S.COMMITTED, _("Commit the year's amount")),
            Step("evaluate", (S.COMMITTED,), S.EVALUATED, _("Record the evaluation")),
            Step("reevaluate", (S.EVALUATED,), S.COMMITTED, _("Evaluate again")),
            Step("settle", (S.EVALUATED,), S.SETTLED, _("Settle")),
            Step(
                "cancel",
                (S.PLANNED, S.COMMITTED, S.EVALUATED),
                S.CANCELLED,
                pgettext_lazy("contract period step", "Cancel"),
                needs_note=True,
            ),
        ]
    )

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="periods"
    )
    index = models.PositiveSmallIntegerField(_("year of the contract"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    # The budget the year's amount is committed from (that year's budget of the source).
    budget = models.ForeignKey(
        Budget,
        verbose_name=_("budget"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract_periods",
        editable=False,
    )
    committed_movement = models.OneToOneField(
        LedgerMovement,
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True, editable=False)
    # Filled by the post-evaluation service (item 6).
    evaluation_score = models.DecimalField(
        _("evaluation score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    evaluation_grade = models.CharField(
        _("evaluation grade"), max_length=16, choices=EvaluationGrade.choices, blank=True
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PLANNED
    )
    history = HistoricalRecords()

    scope = Scope(area="contract__project__area", organization="contract__organization")

    class Meta:
        verbose_name = _("contract year")
        verbose_name_plural = _("contract years")
        ordering = ["contract", "index"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "index"], name="contract_period_index"),
            models.CheckConstraint(
                condition=Q(index__gte=1) & Q(index__lte=MAX_CONTRACT_YEARS),
                name="contract_period_at_most_three",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="contract_period_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="contract_period_dates_order",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["planned", "cancelled"])
                | Q(committed_movement__isnull=False),
                name="contract_period_committed_has_movement",
            ),
            models.CheckConstraint(
                condition=Q(evaluation_score__isnull=True)
                | (Q(evaluation_score__gte=0) & Q(evaluation_score__lte=100)),
                name="contract_period_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.contract} · {self.index}"

    @property
    def evaluation_passed(self) -> bool:
        return self.evaluation_grade in PASSING_GRADES


class Installment(models.Model):
    """One payment of a period (e.g. 30 % / 40 % / 30 %): a non-final one is paid once its
    milestone report is accepted; the final one by the evaluation's score (item 6)."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("installment state", "Pending")
        DUE = "due", _("Milestone accepted, payable")
        PAID = "paid", pgettext_lazy("installment state", "Paid")
        WITHHELD = "withheld", _("Withheld")

    S = State
    FLOW = Workflow(
        [
            Step("accept_milestone", (S.PENDING,), S.DUE, _("Accept the milestone")),
            Step("pay", (S.DUE,), S.PAID, _("Pay the installment")),
            # The final installment (item 6): paid by score, or withheld until corrected.
            Step("pay_by_score", (S.PENDING, S.DUE, S.WITHHELD), S.PAID, _("Pay by score")),
            Step(
                "withhold",
                (S.PENDING, S.DUE),
                S.WITHHELD,
                _("Withhold until corrected"),
                needs_note=True,
            ),
        ]
    )

    period = models.ForeignKey(
        ContractPeriod,
        verbose_name=_("contract year"),
        on_delete=models.PROTECT,
        related_name="installments",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    milestone = models.CharField(
        _("milestone"), max_length=NAME_MAX, validators=[validate_clean_text]
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    is_final = models.BooleanField(_("final installment"), default=False)
    paid_amount = models.DecimalField(
        _("paid (yuan)"), null=True, blank=True, editable=False, **MONEY
    )
    paid_movement = models.OneToOneField(
        LedgerMovement,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True, editable=False)
    # What the final installment did not pay, released back to the budget (item 6).
    released_movement = models.OneToOneField(
        LedgerMovement,
        verbose_name=_("release"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    history = HistoricalRecords()

    scope = Scope(
        area="period__contract__project__area", organization="period__contract__organization"
    )

    class Meta:
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        ordering = ["period", "order"]
        constraints = [
            models.UniqueConstraint(fields=["period", "order"], name="installment_order"),
            models.UniqueConstraint(
                fields=["period"], condition=Q(is_final=True), name="installment_one_final"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="installment_percent_range"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="installment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state="paid")
                | (Q(paid_movement__isnull=False) & Q(paid_at__isnull=False)),
                name="installment_paid_has_movement",
            ),
        ]

    def __str__(self):
        return f"{self.period} · {self.order} ({self.percent}%)"
