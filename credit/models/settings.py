"""The credit app's settings (one row): list-rule periods, public-voice thresholds and the
purchase priority of high grades. Staff edit them in the admin; every change is kept."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huitian.scope import Scope


def _between(low, high):
    return [MinValueValidator(low), MaxValueValidator(high)]


class CreditSettings(models.Model):
    # Periods of MCA Order No. 60 (defaults), editable as local rules change.
    anomaly_to_dishonesty_years = models.PositiveSmallIntegerField(
        _("years on the anomaly list before the dishonesty list"),
        default=2,
        validators=_between(1, 10),
    )
    dishonesty_min_years = models.PositiveSmallIntegerField(
        _("minimum years on the dishonesty list"), default=2, validators=_between(1, 10)
    )
    auto_removal_months = models.PositiveSmallIntegerField(
        _("months before an anomaly entry with nothing to correct is removed"),
        default=6,
        validators=_between(1, 60),
    )
    # Public voice (C5).
    complaint_spike_count = models.PositiveSmallIntegerField(
        _("verified complaints that make a spike"), default=3, validators=_between(2, 100)
    )
    complaint_spike_days = models.PositiveSmallIntegerField(
        _("within days"), default=7, validators=_between(1, 90)
    )
    complaint_effect = models.SmallIntegerField(
        _("score effect of a verified complaint"), default=-10, validators=_between(-100, 0)
    )
    # Use of grades (C7): 3A and above are preferred in purchase application scoring.
    purchase_priority_points = models.PositiveSmallIntegerField(
        _("priority points in purchases for 3A and above"), default=5, validators=_between(0, 100)
    )
    history = HistoricalRecords()

    # The rules are public (they are explained on the public pages).
    scope = Scope(public=True)

    class Meta:
        verbose_name = _("credit settings")
        verbose_name_plural = _("credit settings")

    def __str__(self):
        return str(_("Credit settings"))
