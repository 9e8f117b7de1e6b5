"""The working-day calendar (K3): years entered and the days that differ."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.validators import validate_clean_text


class CalendarYear(models.Model):
    """A year whose working-day schedule has been entered (K3).

    Years without a row fall back to Monday–Friday and staff see a warning.
    """

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinesecalendar package")
        STAFF = "staff", _("Entered by staff")

    year = models.PositiveSmallIntegerField(pgettext_lazy("calendar", "year"), unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    notice = models.CharField(
        _("State Council notice"), max_length=200, blank=True, validators=[validate_clean_text]
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("working-day calendar year")
        verbose_name_plural = _("working-day calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from Monday–Friday: a holiday or an adjusted working weekend (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        ADJUSTED_WORKDAY = "workday", _("Adjusted working day")

    year = models.ForeignKey(
        CalendarYear,
        verbose_name=pgettext_lazy("calendar", "year"),
        on_delete=models.CASCADE,
        related_name="days",
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True, validators=[validate_clean_text])
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    def clean(self):
        if self.year_id and self.date and self.date.year != self.year.year:
            raise ValidationError(
                {"date": _("The date must fall in the calendar year it belongs to.")}
            )
        if self.date and self.kind == self.Kind.ADJUSTED_WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": _("An adjusted working day is a Saturday or Sunday made a working day.")}
            )

    @property
    def is_working(self) -> bool:
        return self.kind == self.Kind.ADJUSTED_WORKDAY
