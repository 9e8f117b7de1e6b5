"""Milestone reports from the organization and recorded subcontractors (never the core service)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models.ledger import MONEY
from huitian.scope import Scope
from huitian.uploads import validate_upload
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from procurement.models import limits
from procurement.models.contracts.contract import NAME_MAX, TEXT_MAX, Contract
from procurement.models.contracts.years import Installment


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
