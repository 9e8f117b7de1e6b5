"""Contracts of purchase projects (P8): yearly periods (at most three, 跨年度连续购买),
installments with milestones and milestone reports, and subcontractors.

Money moves only through `procurement.services.funds`: a period's amount is committed
at signing (period 1) or when the next year opens (after the previous year's
evaluation passed); installments are paid from that commitment.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import LedgerMovement
from huitian.models.ledger import MONEY
from huitian.scope import Scope
from huitian.uploads import validate_upload
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from procurement.models import limits
from procurement.models.funds import Budget
from procurement.models.projects import MAX_CONTRACT_YEARS, ProjectApplication, PurchaseProject

TEXT_MAX = 2000
NAME_MAX = 200


class EvaluationGrade(models.TextChoices):
    """A period's post-evaluation grade (filled by the evaluation service, item 6)."""

    EXCELLENT = "excellent", _("Excellent")
    GOOD = "good", pgettext_lazy("evaluation grade", "Good")
    PASS = "pass", pgettext_lazy("evaluation grade", "Passed")
    FAIL = "fail", pgettext_lazy("evaluation grade", "Failed")


PASSING_GRADES = frozenset({EvaluationGrade.EXCELLENT, EvaluationGrade.GOOD, EvaluationGrade.PASS})


class Contract(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("contract state", "Draft")
        ORG_SIGNED = "org_signed", _("Signed by the organization")
        SIGNED = "signed", pgettext_lazy("contract state", "Signed")
        IN_SERVICE = "in_service", pgettext_lazy("contract state", "In service")
        COMPLETED = "completed", pgettext_lazy("contract state", "Completed")
        TERMINATED = "terminated", pgettext_lazy("contract state", "Terminated")

    S = State
    FLOW = Workflow(
        [
            Step("org_sign", (S.DRAFT,), S.ORG_SIGNED, _("Sign as the organization")),
            Step("sign", (S.ORG_SIGNED,), S.SIGNED, _("Countersign as the purchaser")),
            Step("start", (S.SIGNED,), S.IN_SERVICE, _("Start the service")),
            # Settlement (item 6) completes the contract.
            Step("complete", (S.IN_SERVICE,), S.COMPLETED, _("Complete")),
            Step(
                "terminate",
                (S.DRAFT, S.ORG_SIGNED, S.SIGNED, S.IN_SERVICE),
                S.TERMINATED,
                _("Terminate"),
                needs_note=True,
            ),
        ]
    )

    project = models.OneToOneField(
        PurchaseProject,
        verbose_name=_("purchase project"),
        on_delete=models.PROTECT,
        related_name="contract",
    )
    application = models.OneToOneField(
        ProjectApplication,
        verbose_name=_("awarded application"),
        on_delete=models.PROTECT,
        related_name="contract",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="purchase_contracts",
    )
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    # The whole contract over all its periods.
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    # 不得转包: the organization declares it will not pass the service on.
    no_subcontracting_declared = models.BooleanField(
        _("no-subcontracting declaration"), default=False
    )
    org_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed for the organization by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    org_signed_at = models.DateTimeField(
        _("signed by the organization at"), null=True, blank=True, editable=False
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("countersigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
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

    scope = Scope(area="project__area", organization="organization")

    class Meta:
        verbose_name = _("purchase contract")
        verbose_name_plural = _("purchase contracts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="contract_dates_order"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "org_signed", "terminated"])
                | Q(signed_at__isnull=False, no_subcontracting_declared=True),
                name="contract_signed_declared",
            ),
        ]

    def __str__(self):
        return self.number


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


def milestone_report_path(instance, filename):
    return f"procurement/milestones/{timezone.now():%Y/%m}/{filename}"


class MilestoneReport(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("milestone report state", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("milestone report state", "Accepted")
        RETURNED = "returned", pgettext_lazy("milestone report state", "Returned")

    FLOW = Workflow(
        [
            Step(
                "accept",
                (State.SUBMITTED,),
                State.ACCEPTED,
                pgettext_lazy("milestone report step", "Accept"),
            ),
            Step(
                "return",
                (State.SUBMITTED,),
                State.RETURNED,
                pgettext_lazy("milestone report step", "Return"),
                needs_note=True,
            ),
        ]
    )

    installment = models.ForeignKey(
        Installment,
        verbose_name=_("installment"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    text = models.TextField(_("report"), max_length=TEXT_MAX, validators=[validate_clean_text])
    attachment = models.FileField(
        _("attachment"),
        upload_to=milestone_report_path,
        blank=True,
        max_length=200,
        validators=[validate_upload],
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)
    history = HistoricalRecords()

    scope = Scope(
        area="installment__period__contract__project__area",
        organization="installment__period__contract__organization",
    )

    class Meta:
        verbose_name = _("milestone report")
        verbose_name_plural = _("milestone reports")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            limits.at_most("text", TEXT_MAX, name="milestone_report_text_length"),
            models.UniqueConstraint(
                fields=["installment"],
                condition=Q(state__in=["submitted", "accepted"]),
                name="milestone_report_one_live",
            ),
        ]

    def __str__(self):
        return f"{self.installment} · {self.get_state_display()}"


class Subcontractor(models.Model):
    """A subcontractor for a non-core part of the service; never for the core service."""

    contract = models.ForeignKey(
        Contract,
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="subcontractors",
    )
    name = models.CharField(_("name"), max_length=NAME_MAX, validators=[validate_clean_text])
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    work = models.CharField(
        _("subcontracted work"), max_length=NAME_MAX, validators=[validate_clean_text]
    )
    is_core_service = models.BooleanField(_("core service"), default=False)
    amount = models.DecimalField(_("amount (yuan)"), null=True, blank=True, **MONEY)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="contract__project__area", organization="contract__organization")

    class Meta:
        verbose_name = _("subcontractor")
        verbose_name_plural = _("subcontractors")
        ordering = ["contract", "pk"]
        constraints = [
            # 不得转包: the core service is never subcontracted, whatever door writes.
            models.CheckConstraint(
                condition=Q(is_core_service=False), name="subcontractor_never_core_service"
            ),
        ]

    def __str__(self):
        return self.name
