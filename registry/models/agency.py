"""The federation's four agency services for filed groups (R6)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.validators import validate_clean_text
from registry.models.organizations import Organization


class AgencyRecord(models.Model):
    """The federation's 四代 services for a filed group: custody, co-signing, training, errands."""

    class Kind(models.TextChoices):
        CUSTODY = "custody", _("Fund custody (资金代管)")
        CO_SIGN = "co_sign", _("Contract co-signing (项目代签)")
        TRAINING = "training", _("Staff training (人员代培)")
        ERRAND = "errand", _("Errand (事项代办)")

    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("agency record", "group"),
        on_delete=models.PROTECT,
        related_name="agency_records",
        limit_choices_to={"registration_level": "filed"},
    )
    kind = models.CharField(_("service"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200, validators=[validate_clean_text])
    counterparty = models.CharField(
        _("counterparty"), max_length=200, blank=True, validators=[validate_clean_text]
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True, validators=[validate_clean_text])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    # The group itself and its federation (staff of the group's street).
    scope = Scope(area="organization__home_area", organization="organization")

    class Meta:
        verbose_name = _("agency service record")
        verbose_name_plural = _("agency service records")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.title}"
