"""The contract of an awarded purchase project, its workflow and the evaluation grades."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models.ledger import MONEY
from huitian.scope import Scope
from huitian.workflow import Step, Workflow
from procurement.models.projects import ProjectApplication, PurchaseProject

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
