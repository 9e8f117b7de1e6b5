"""Organizations and their registration, filing and supervision (R1–R9)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huitian.models import Area
from huitian.scope import Scope
from huitian.validators import validate_clean_text, validate_uscc


class Organization(models.Model):
    """A social organization (社会组织): registered, filed, or a social enterprise."""

    class LegalForm(models.TextChoices):
        SOCIAL_GROUP = "social_group", _("Social group")  # 社会团体
        SOCIAL_SERVICE = "social_service", _("Private non-enterprise unit / social service agency")
        FOUNDATION = "foundation", _("Foundation")  # 基金会
        COMMUNITY_GROUP = "community_group", _("Community social organization")  # 社区社会组织
        SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")  # 社会企业

    class RegistrationLevel(models.TextChoices):
        CITY = "city", _("Registered at city level")
        DISTRICT = "district", _("Registered at district level")
        FILED = "filed", _("Filed with the street")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        LIQUIDATING = "liquidating", _("In liquidation")
        DEREGISTERED = "deregistered", _("Deregistered")
        MERGED = "merged", _("Merged")

    name = models.CharField(_("name"), max_length=200, validators=[validate_clean_text])
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_uscc],
        help_text=_(
            "18 characters; required for registered organizations, absent for filed groups."
        ),
    )
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    registration_level = models.CharField(
        _("registration level"), max_length=16, choices=RegistrationLevel.choices
    )
    home_area = models.ForeignKey(
        Area,
        verbose_name=_("home area"),
        on_delete=models.PROTECT,
        related_name="home_organizations",
    )
    service_areas = models.ManyToManyField(
        Area, verbose_name=_("service areas"), blank=True, related_name="served_by"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[service_areas])

    # Staff of the home area's subtree; the organization's own members.
    scope = Scope(area="home_area", organization="pk")

    class Meta:
        verbose_name = _("social organization")
        verbose_name_plural = _("social organizations")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(registration_level="filed") | models.Q(uscc__isnull=False),
                name="registered_organization_has_uscc",
            ),
        ]

    def __str__(self):
        return self.name
