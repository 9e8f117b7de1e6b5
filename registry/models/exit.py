"""Deregistration and liquidation (R9)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from registry.models.organizations import Organization


class Deregistration(models.Model):
    """Deregistration (注销) after dissolution, merger or split, or a guided exit."""

    class Kind(models.TextChoices):
        DISSOLUTION = "dissolution", _("Dissolution")
        MERGER = "merger", _("Merger")
        SPLIT = "split", _("Split")
        GUIDED_EXIT = "guided_exit", _("Guided exit")

    class State(models.TextChoices):
        APPLIED = "applied", _("Applied")
        LIQUIDATING = "liquidating", _("Liquidating")
        DEREGISTERED = "deregistered", _("Deregistered")

    FLOW = Workflow(
        [
            Step("start_liquidation", (State.APPLIED,), State.LIQUIDATING, _("Start liquidation")),
            Step("deregister", (State.LIQUIDATING,), State.DEREGISTERED, _("Deregister")),
        ]
    )

    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("registry", "organization"),
        on_delete=models.PROTECT,
        related_name="deregistrations",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"), validators=[validate_clean_text])
    surviving_organization = models.ForeignKey(
        Organization,
        verbose_name=_("surviving organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.APPLIED, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    scope = Scope(area="organization__home_area", organization="organization")

    class Meta:
        verbose_name = _("deregistration")
        verbose_name_plural = _("deregistrations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.organization} ({self.get_state_display()})"


class LiquidationAsset(models.Model):
    """One asset in the liquidation inventory: nothing may be taken, split or diverted."""

    class Disposal(models.TextChoices):
        PENDING = "", _("Not yet disposed")
        TRANSFERRED = "transferred", _("Transferred to a like-purpose organization")
        SOLD = "sold", _("Sold")
        DONATED = "donated", _("Donated")
        RETURNED = "returned", _("Returned to its owner")

    deregistration = models.ForeignKey(
        Deregistration,
        verbose_name=_("deregistration"),
        on_delete=models.CASCADE,
        related_name="assets",
    )
    description = models.CharField(_("asset"), max_length=200, validators=[validate_clean_text])
    value = models.DecimalField(
        _("book value (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    disposal = models.CharField(
        _("disposal"), max_length=16, choices=Disposal.choices, default=Disposal.PENDING, blank=True
    )
    disposed_value = models.DecimalField(
        _("value disposed (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    recipient = models.CharField(
        pgettext_lazy("liquidation", "recipient"),
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
    )
    history = HistoricalRecords()

    scope = Scope(
        area="deregistration__organization__home_area",
        organization="deregistration__organization",
    )

    class Meta:
        verbose_name = _("liquidation asset")
        verbose_name_plural = _("liquidation assets")
        ordering = ["pk"]

    def __str__(self):
        return self.description
