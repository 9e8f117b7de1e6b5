"""The register of social organizations (R1) and its status history."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area, Category
from huitian.scope import Scope
from huitian.validators import validate_clean_text, validate_phone, validate_uscc
from huitian.workflow import Step, Workflow


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
        ACTIVE = "active", pgettext_lazy("organization status", "Active")
        SUSPENDED = "suspended", _("Suspended")
        LIQUIDATING = "liquidating", _("In liquidation")
        DEREGISTERED = "deregistered", _("Deregistered")
        MERGED = "merged", _("Merged")

    class PartyOrganization(models.TextChoices):
        NONE = "none", _("No party organization")
        INDEPENDENT = "independent", _("Independent party branch")
        JOINT = "joint", _("Joint party branch")
        FUNCTIONAL = "functional", _("Functional party branch")

    class IntroducedFrom(models.TextChoices):
        NO = "", _("Not introduced")
        CITY = "city", _("Introduced from the city")
        DISTRICT = "district", _("Introduced from the district")

    # Status changes go through these steps, so the status history is recorded (R1).
    STATUS_FLOW = Workflow(
        [
            Step("suspend", (Status.ACTIVE,), Status.SUSPENDED, _("Suspend"), needs_note=True),
            Step(
                "reactivate", (Status.SUSPENDED,), Status.ACTIVE, _("Reactivate"), needs_note=True
            ),
            Step(
                "start_liquidation",
                (Status.ACTIVE, Status.SUSPENDED),
                Status.LIQUIDATING,
                _("Liquidate"),
            ),
            Step("deregister", (Status.LIQUIDATING,), Status.DEREGISTERED, _("Deregister")),
            Step(
                "merge",
                (Status.ACTIVE, Status.SUSPENDED, Status.LIQUIDATING),
                Status.MERGED,
                _("Merge"),
            ),
        ],
        field="status",
    )

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

    # R1 / R4: what it does and who answers for it.
    categories = models.ManyToManyField(
        Category, verbose_name=_("service categories"), blank=True, related_name="organizations"
    )
    legal_representative = models.CharField(
        _("legal representative"), max_length=60, blank=True, validators=[validate_clean_text]
    )
    contact_name = models.CharField(
        _("contact person"), max_length=60, blank=True, validators=[validate_clean_text]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    address = models.CharField(
        _("address"), max_length=200, blank=True, validators=[validate_clean_text]
    )
    description = models.TextField(
        pgettext_lazy("organization", "description"), blank=True, validators=[validate_clean_text]
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    staff_count = models.PositiveIntegerField(_("staff"), default=0)
    volunteer_count = models.PositiveIntegerField(_("volunteers"), default=0)
    # R3: filed groups.
    filing_number = models.CharField(
        _("filing number"), max_length=32, null=True, blank=True, unique=True
    )
    # R6: introduced mature organizations.
    introduced_from = models.CharField(
        _("introduced from"),
        max_length=16,
        choices=IntroducedFrom.choices,
        default=IntroducedFrom.NO,
        blank=True,
    )
    office_space = models.CharField(
        _("office space provided"),
        max_length=200,
        blank=True,
        validators=[validate_clean_text],
        help_text=_("Where and how large, e.g. 回龙观街道社会组织孵化基地 2 层 30㎡."),
    )
    # R5: party building.
    party_organization = models.CharField(
        _("party organization"),
        max_length=16,
        choices=PartyOrganization.choices,
        default=PartyOrganization.NONE,
    )
    party_member_count = models.PositiveIntegerField(_("party members"), default=0)
    party_instructor = models.CharField(
        _("party-building instructor"),
        max_length=60,
        blank=True,
        validators=[validate_clean_text],
    )
    five_party_participation = models.BooleanField(
        _("takes part in five-party co-building"), default=False
    )
    # R7: social-enterprise certification (the certification batches fill these).
    certificate_number = models.CharField(
        _("social-enterprise certificate number"),
        max_length=32,
        null=True,
        blank=True,
        unique=True,
    )
    certified_until = models.DateField(_("certified until"), null=True, blank=True)
    alliance_member = models.BooleanField(
        _("member of the social-enterprise alliance"), default=False
    )
    # R9: a merger records the surviving organization.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="absorbed",
    )
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
            models.CheckConstraint(
                condition=~models.Q(registration_level="filed") | models.Q(uscc__isnull=True),
                name="filed_group_has_no_uscc",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_filed(self) -> bool:
        return self.registration_level == self.RegistrationLevel.FILED
