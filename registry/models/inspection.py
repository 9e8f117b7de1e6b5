"""Annual inspection (R8) and administrative interviews (R9)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.uploads import validate_upload
from huitian.validators import validate_clean_text
from registry.models.organizations import Organization


class InspectionYear(models.Model):
    """The annual inspection of one year (年检): its report deadline, opened by district staff."""

    year = models.PositiveSmallIntegerField(pgettext_lazy("registry", "year"), unique=True)
    deadline = models.DateField(_("report deadline"))
    flagged_at = models.DateTimeField(_("missing reports flagged at"), null=True, blank=True)
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("annual inspection year")
        verbose_name_plural = _("annual inspection years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class AnnualReport(models.Model):
    """An organization's annual report (年度报告, R8) and the inspection conclusion."""

    class Conclusion(models.TextChoices):
        PASS = "pass", _("Qualified")  # 合格
        BASIC = "basic", _("Basically qualified")  # 基本合格
        FAIL = "fail", _("Not qualified")  # 不合格

    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("registry", "organization"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(pgettext_lazy("registry", "year"))
    summary = models.TextField(_("work summary"), validators=[validate_clean_text])
    income = models.DecimalField(_("income (yuan)"), max_digits=14, decimal_places=2, default=0)
    expenditure = models.DecimalField(
        _("expenditure (yuan)"), max_digits=14, decimal_places=2, default=0
    )
    file = models.FileField(
        _("report file"),
        upload_to="registry/annual/%Y/",
        blank=True,
        validators=[validate_upload],
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    conclusion = models.CharField(
        _("inspection conclusion"), max_length=8, choices=Conclusion.choices, blank=True
    )
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("concluded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    history = HistoricalRecords()

    scope = Scope(area="organization__home_area", organization="organization")

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="one_annual_report_per_year"
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.year}"


class Interview(models.Model):
    """An administrative interview (行政约谈)."""

    class Reason(models.TextChoices):
        NO_INSPECTION = "no_inspection", _("Did not accept the annual inspection")
        UNREGISTERED_CHANGE = "unregistered_change", _("Changed without registering the change")
        OTHER = "other", _("Other violation")

    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("registry", "organization"),
        on_delete=models.PROTECT,
        related_name="interviews",
    )
    reason = models.CharField(_("reason"), max_length=32, choices=Reason.choices)
    details = models.TextField(_("details"), blank=True, validators=[validate_clean_text])
    held_on = models.DateField(_("held on"))
    outcome = models.TextField(_("outcome"), blank=True, validators=[validate_clean_text])
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("conducted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    scope = Scope(area="organization__home_area", organization="organization")

    class Meta:
        verbose_name = _("administrative interview")
        verbose_name_plural = _("administrative interviews")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.organization} {self.held_on}"
