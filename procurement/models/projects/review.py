"""Reviewing applications: reviewers, conflict-of-interest declarations, scores, the award."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.validators import validate_clean_text
from procurement.models import limits
from procurement.models.projects.applications import ProjectApplication
from procurement.models.projects.project import REASON_MAX, PurchaseProject


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
