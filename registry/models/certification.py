"""Social-enterprise certification (R7)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.uploads import validate_upload
from huitian.validators import validate_clean_text
from huitian.workflow import Step, Workflow
from registry.models.organizations import Organization


class CertificationBatch(models.Model):
    """A yearly certification batch opened by district staff."""

    year = models.PositiveSmallIntegerField(pgettext_lazy("registry", "year"), unique=True)
    is_open = models.BooleanField(_("open for applications"), default=True)
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"), default=2, validators=[MinValueValidator(1)]
    )
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("certification batch")
        verbose_name_plural = _("certification batches")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class Certification(models.Model):
    """A social enterprise's application for certification in one batch."""

    class Field(models.TextChoices):
        ENVIRONMENT = "environment", _("Community environment")
        PROPERTY = "property", _("Property services")
        ELDERLY = "elderly", _("Elderly care")
        YOUTH = "youth", _("Youth services")
        CULTURE = "culture", _("Culture")
        PARTY = "party", _("Party-building innovation")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CERTIFIED = "certified", _("Certified")
        REFUSED = "refused", _("Refused")

    FLOW = Workflow(
        [
            Step("certify", (State.SUBMITTED,), State.CERTIFIED, _("Certify")),
            Step("refuse", (State.SUBMITTED,), State.REFUSED, _("Refuse"), needs_note=True),
        ]
    )

    batch = models.ForeignKey(
        CertificationBatch,
        verbose_name=_("batch"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("registry", "organization"),
        on_delete=models.PROTECT,
        related_name="certifications",
    )
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    description = models.TextField(
        _("social purpose and evidence"), validators=[validate_clean_text]
    )
    evidence = models.FileField(
        _("evidence"),
        upload_to="registry/certification/%Y/",
        blank=True,
        validators=[validate_upload],
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    certificate_number = models.CharField(_("certificate number"), max_length=32, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    scope = Scope(area="organization__home_area", organization="organization")

    class Meta:
        verbose_name = _("social-enterprise certification")
        verbose_name_plural = _("social-enterprise certifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "organization"], name="one_certification_per_batch"
            )
        ]

    def __str__(self):
        return f"{self.organization} {self.batch}"
