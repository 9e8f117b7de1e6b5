"""Government purchase-of-services projects (P8): from purchase-service items (or created
directly by a purchaser) through pre-review, applications, review and award.

The project's money is its `budget` (one source's budget for an area and year):
contracts commit and pay from it through `procurement.services.funds`. Who may apply
is decided by `procurement.services.projects.eligibility_problems`, never by a form.
"""

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


class ProjectApplication(models.Model):
    """An organization applies for an open project; a filed group only jointly, with its
    street federation co-signing (`is_joint`, `cosigned_by`)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("project application state", "Submitted")
        WITHDRAWN = "withdrawn", pgettext_lazy("project application state", "Withdrawn")
        AWARDED = "awarded", pgettext_lazy("project application state", "Awarded")
        NOT_AWARDED = "not_awarded", pgettext_lazy("project application state", "Not awarded")

    FLOW = Workflow(
        [
            Step(
                "withdraw",
                (State.SUBMITTED,),
                State.WITHDRAWN,
                pgettext_lazy("project application step", "Withdraw"),
            ),
            Step(
                "award",
                (State.SUBMITTED,),
                State.AWARDED,
                pgettext_lazy("purchase step", "Award"),
            ),
            Step("not_award", (State.SUBMITTED,), State.NOT_AWARDED, _("Not awarded")),
        ]
    )

    project = models.ForeignKey(
        PurchaseProject,
        verbose_name=_("purchase project"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="project_applications",
    )
    proposal = models.TextField(
        _("service proposal"), max_length=PROPOSAL_MAX, validators=[validate_clean_text]
    )
    quoted_amount = models.DecimalField(_("quoted amount (yuan)"), **MONEY)
    # A joint application (联合申报): the street federation co-signs for a filed group.
    is_joint = models.BooleanField(_("joint application"), default=False)
    federation_area = models.ForeignKey(
        Area,
        verbose_name=_("co-signing federation's street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
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
    history = HistoricalRecords()

    # The purchaser's staff, the applying organization (a joint application is the group's
    # own), the reviewers assigned to the project.
    scope = Scope(
        area="project__area",
        organization="organization",
        evaluated="project__reviewer_assignments__reviewer",
        distinct=True,
    )

    class Meta:
        verbose_name = _("project application")
        verbose_name_plural = _("project applications")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization"],
                condition=~Q(state="withdrawn"),
                name="project_application_one_live_per_org",
            ),
            models.CheckConstraint(
                condition=Q(quoted_amount__gt=0), name="project_application_quote_positive"
            ),
            models.CheckConstraint(
                condition=Q(is_joint=False)
                | (Q(cosigned_by__isnull=False) & Q(federation_area__isnull=False)),
                name="project_application_joint_cosigned",
            ),
            limits.at_most("proposal", PROPOSAL_MAX, name="project_application_proposal_length"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.project}"


class ReviewerAssignment(models.Model):
    """A reviewer (an evaluator or staff member) assigned to score a project's applications."""

    project = models.ForeignKey(
        PurchaseProject,
        verbose_name=_("purchase project"),
        on_delete=models.PROTECT,
        related_name="reviewer_assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="project__area", evaluated="reviewer")

    class Meta:
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")
        ordering = ["project", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reviewer"], name="reviewer_assignment_once")
        ]

    def __str__(self):
        return f"{self.reviewer} · {self.project}"


class ConflictDeclaration(models.Model):
    """A reviewer's declaration on one application: with a conflict, it may not score it."""

    assignment = models.ForeignKey(
        ReviewerAssignment,
        verbose_name=_("reviewer assignment"),
        on_delete=models.PROTECT,
        related_name="declarations",
    )
    application = models.ForeignKey(
        ProjectApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
    )
    has_conflict = models.BooleanField(_("has a conflict of interest"))
    description = models.TextField(
        _("description"), max_length=REASON_MAX, blank=True, validators=[validate_clean_text]
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="assignment__project__area", evaluated="assignment__reviewer")

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "application"], name="conflict_declaration_once"
            ),
            limits.at_most("description", REASON_MAX, name="conflict_declaration_length"),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.application_id}"


class ApplicationScore(models.Model):
    """One reviewer's score of one application on one criterion."""

    class Criterion(models.TextChoices):
        PLAN = "plan", _("Service plan")
        CAPACITY = "capacity", _("Capacity and staff")
        EXPERIENCE = "experience", _("Experience and record")
        PRICE = "price", _("Price")

    # The most each criterion may give (together 100).
    MAX_POINTS = {"plan": 40, "capacity": 25, "experience": 20, "price": 15}

    application = models.ForeignKey(
        ProjectApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    criterion = models.CharField(_("criterion"), max_length=16, choices=Criterion.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    comment = models.CharField(
        _("comment"), max_length=500, blank=True, validators=[validate_clean_text]
    )
    scored_at = models.DateTimeField(_("scored at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="application__project__area", evaluated="reviewer")

    class Meta:
        verbose_name = _("application score")
        verbose_name_plural = _("application scores")
        ordering = ["application", "reviewer", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer", "criterion"], name="application_score_once"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=100),
                name="application_score_points_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_criterion_display()}: {self.points}"


class Award(models.Model):
    """The purchaser's award of a project to one application, with the reason."""

    project = models.OneToOneField(
        PurchaseProject,
        verbose_name=_("purchase project"),
        on_delete=models.PROTECT,
        related_name="award",
    )
    application = models.OneToOneField(
        ProjectApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="award",
    )
    reason = models.TextField(
        _("reason for the award"), max_length=REASON_MAX, validators=[validate_clean_text]
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    awarded_at = models.DateTimeField(_("awarded at"), default=timezone.now)
    history = HistoricalRecords()

    scope = Scope(area="project__area", organization="application__organization")

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-awarded_at"]
        constraints = [limits.at_most("reason", REASON_MAX, name="award_reason_length")]

    def __str__(self):
        return f"{self.project} → {self.application.organization}"
