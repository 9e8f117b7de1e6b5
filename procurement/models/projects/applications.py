"""An organization's application to a purchase project (joint for a filed group)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area
from huitian.models.ledger import MONEY
from huitian.scope import Scope
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from procurement.models import limits
from procurement.models.projects.project import PROPOSAL_MAX, PurchaseProject


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
