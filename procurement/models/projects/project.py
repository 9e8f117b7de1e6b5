"""The purchase project (政府购买服务项目) and its workflow, with the limits its texts keep."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area, Category
from huitian.models.ledger import MONEY
from huitian.scope import Scope
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from procurement.models import limits
from procurement.models.funds import Budget
from procurement.models.topics import PurchaseItem

TITLE_MAX = 120
NAME_MAX = 100
OPINION_MAX = 2000
PROPOSAL_MAX = 4000
REASON_MAX = 1000
MAX_CONTRACT_YEARS = 3  # 跨年度连续购买: at most three years (national rules)


def major_project_threshold() -> Decimal:
    return Decimal(getattr(settings, "PURCHASE_MAJOR_PROJECT_THRESHOLD", 500000))


class PurchaseProject(models.Model):
    """A purchase of services by a street office or district department (政府购买服务项目)."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("purchase project state", "Draft")
        PRE_REVIEW = "pre_review", pgettext_lazy("purchase project state", "In pre-review")
        PASSED = "passed", pgettext_lazy("purchase project state", "Pre-review passed")
        REJECTED = "rejected", pgettext_lazy("purchase project state", "Rejected in pre-review")
        OPEN = "open", pgettext_lazy("purchase project state", "Open for applications")
        UNDER_REVIEW = "under_review", pgettext_lazy("purchase project state", "Under review")
        AWARDED = "awarded", pgettext_lazy("purchase project state", "Awarded")
        CONTRACTED = "contracted", pgettext_lazy("purchase project state", "Contracted")
        IN_SERVICE = "in_service", pgettext_lazy("purchase project state", "In service")
        EVALUATED = "evaluated", pgettext_lazy("purchase project state", "Evaluated")
        SETTLED = "settled", pgettext_lazy("purchase project state", "Settled")
        CANCELLED = "cancelled", pgettext_lazy("purchase project state", "Cancelled")

    S = State
    FLOW = Workflow(
        [
            Step("submit", (S.DRAFT,), S.PRE_REVIEW, _("Submit for pre-review")),
            Step("pass_review", (S.PRE_REVIEW,), S.PASSED, _("Pass the pre-review")),
            Step(
                "revise",
                (S.PRE_REVIEW,),
                S.DRAFT,
                _("Return for revision"),
                needs_note=True,
            ),
            Step(
                "reject",
                (S.PRE_REVIEW,),
                S.REJECTED,
                pgettext_lazy("purchase project step", "Reject"),
                needs_note=True,
            ),
            Step("open", (S.PASSED,), S.OPEN, _("Open for applications")),
            Step("close", (S.OPEN,), S.UNDER_REVIEW, _("Close applications")),
            Step("award", (S.UNDER_REVIEW,), S.AWARDED, pgettext_lazy("purchase step", "Award")),
            Step("contract", (S.AWARDED,), S.CONTRACTED, _("Sign the contract")),
            Step("start", (S.CONTRACTED,), S.IN_SERVICE, _("Start the service")),
            # Post-evaluation and settlement (item 6's services take these steps).
            Step("evaluate", (S.IN_SERVICE,), S.EVALUATED, _("Record the evaluation")),
            # A failed evaluation is corrected and evaluated again; a multi-year contract's
            # next year puts the project back in service.
            Step("resume", (S.EVALUATED,), S.IN_SERVICE, _("Back in service")),
            Step("settle", (S.EVALUATED,), S.SETTLED, _("Settle")),
            Step(
                "cancel",
                (
                    S.DRAFT,
                    S.PRE_REVIEW,
                    S.PASSED,
                    S.OPEN,
                    S.UNDER_REVIEW,
                    S.AWARDED,
                    S.CONTRACTED,
                    S.IN_SERVICE,
                    S.EVALUATED,
                ),
                S.CANCELLED,
                pgettext_lazy("purchase project step", "Cancel"),
                needs_note=True,
            ),
        ]
    )

    title = models.CharField(_("title"), max_length=TITLE_MAX, validators=[validate_clean_text])
    # The purchaser: a street office (its street) or a district department (the district).
    area = models.ForeignKey(
        Area,
        verbose_name=_("purchaser's area"),
        on_delete=models.PROTECT,
        related_name="purchase_projects",
    )
    purchaser_name = models.CharField(
        _("purchaser"), max_length=NAME_MAX, validators=[validate_clean_text]
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_projects",
    )
    items = models.ManyToManyField(
        PurchaseItem,
        verbose_name=_("purchase-service items"),
        blank=True,
        related_name="projects",
    )
    budget_amount = models.DecimalField(_("budget (yuan)"), **MONEY)
    # The budget contracts commit and pay from (its source is the project's funding source).
    budget = models.ForeignKey(
        Budget,
        verbose_name=_("funding budget"),
        on_delete=models.PROTECT,
        related_name="purchase_projects",
    )
    service_standard = models.TextField(
        _("service standard"),
        max_length=limits.SERVICE_STANDARD,
        validators=[validate_clean_text],
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(
        pgettext_lazy("quantity", "unit"), max_length=20, validators=[validate_clean_text]
    )
    duration_months = models.PositiveSmallIntegerField(_("duration (months)"))
    # 跨年度连续购买: how many yearly periods the contract may run (1..3).
    years = models.PositiveSmallIntegerField(_("contract years"), default=1)
    application_days = models.PositiveSmallIntegerField(
        _("application period (working days)"), null=True, blank=True
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True, editable=False)
    application_deadline = models.DateField(
        _("application deadline"), null=True, blank=True, editable=False
    )
    # 事前评审: the assigned third-party evaluator and its rationality opinion.
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pre-review evaluator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pre_reviewed_projects",
    )
    pre_review_opinion = models.TextField(
        _("pre-review opinion"), max_length=OPINION_MAX, blank=True, editable=False
    )
    pre_reviewed_at = models.DateTimeField(
        _("pre-reviewed at"), null=True, blank=True, editable=False
    )
    cancel_reason = models.TextField(
        _("reason for cancelling"), max_length=REASON_MAX, blank=True, editable=False
    )
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

    # Staff of the purchaser's area; the assigned pre-review evaluator. Organizations
    # see open projects through `selectors.projects.open_projects_for`.
    scope = Scope(area="area", evaluated="evaluator")

    class Meta:
        verbose_name = _("purchase project")
        verbose_name_plural = _("purchase projects")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "application_deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_amount__gt=0), name="purchase_project_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(years__gte=1) & Q(years__lte=MAX_CONTRACT_YEARS),
                name="purchase_project_years_range",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="purchase_project_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(duration_months__gt=0), name="purchase_project_duration_positive"
            ),
            limits.at_most(
                "service_standard",
                limits.SERVICE_STANDARD,
                name="purchase_project_standard_length",
            ),
            limits.at_most(
                "pre_review_opinion", OPINION_MAX, name="purchase_project_opinion_length"
            ),
            limits.at_most("cancel_reason", REASON_MAX, name="purchase_project_cancel_length"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_major(self) -> bool:
        """A major project (重大项目): process supervision is required (item 6)."""
        return self.budget_amount is not None and self.budget_amount >= major_project_threshold()
