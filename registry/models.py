"""Organizations and their registration, filing and supervision (R1–R9)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area, Category
from huitian.scope import Scope
from huitian.uploads import validate_upload
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
        ACTIVE = "active", _("Active")
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
            Step("suspend", ("active",), "suspended", _("Suspend"), needs_note=True),
            Step("reactivate", ("suspended",), "active", _("Reactivate"), needs_note=True),
            Step("start_liquidation", ("active", "suspended"), "liquidating", _("Liquidate")),
            Step("deregister", ("liquidating",), "deregistered", _("Deregister")),
            Step("merge", ("active", "suspended", "liquidating"), "merged", _("Merge")),
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
    description = models.TextField(_("description"), blank=True, validators=[validate_clean_text])
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


class RegistrationApplication(models.Model):
    """Direct registration (直接登记, R2): decision within 10 working days of acceptance."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for supplement")
        ACCEPTED = "accepted", _("Accepted")
        APPROVED = "approved", pgettext_lazy("registration", "Approved")
        REJECTED = "rejected", pgettext_lazy("registration", "Rejected")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Online portal")
        PAPER = "paper", _("Paper application entered by staff")

    FLOW = Workflow(
        [
            Step("submit", ("draft", "returned"), "submitted", _("Submit")),
            Step("return", ("submitted",), "returned", _("Return for supplement"), True),
            Step("accept", ("submitted",), "accepted", _("Accept")),
            Step("approve", ("accepted",), "approved", pgettext_lazy("registration", "Approve")),
            Step(
                "reject",
                ("accepted",),
                "rejected",
                pgettext_lazy("registration", "Reject"),
                needs_note=True,
            ),
        ]
    )
    DECISION_WORKING_DAYS = 10
    NEAR_DUE_WORKING_DAYS = 2

    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.PORTAL
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registration_applications",
    )
    name = models.CharField(_("proposed name"), max_length=200, validators=[validate_clean_text])
    legal_form = models.CharField(
        _("legal form"), max_length=32, choices=Organization.LegalForm.choices
    )
    registration_level = models.CharField(
        _("registration level"),
        max_length=16,
        choices=Organization.RegistrationLevel.choices,
        default=Organization.RegistrationLevel.DISTRICT,
    )
    home_area = models.ForeignKey(
        Area, verbose_name=_("home area"), on_delete=models.PROTECT, related_name="+"
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("service categories"), blank=True, related_name="+"
    )
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_uscc],
        help_text=_("If the organization already holds one; otherwise staff enter it on approval."),
    )
    legal_representative = models.CharField(
        _("legal representative"), max_length=60, validators=[validate_clean_text]
    )
    contact_name = models.CharField(
        _("contact person"), max_length=60, validators=[validate_clean_text]
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, validators=[validate_phone])
    purpose = models.TextField(_("purpose and services"), validators=[validate_clean_text])
    missing_items = models.JSONField(
        _("missing items"),
        default=list,
        blank=True,
        help_text=_("What the applicant must supplement (补正)."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(
        _("decision note"), blank=True, validators=[validate_clean_text]
    )
    alerted_on = models.DateField(_("last deadline alert"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registration_applications",
        help_text=_("Created on approval, or the existing organization this activates."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["alerted_on"])

    scope = Scope(area="home_area", owner="applicant", organization="organization")

    class Meta:
        verbose_name = _("registration application")
        verbose_name_plural = _("registration applications")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.get_state_display()})"

    def clean(self):
        errors = {}
        if self.legal_form == Organization.LegalForm.COMMUNITY_GROUP:
            errors["legal_form"] = _(
                "Community groups below the registration bar file with their street instead."
            )
        if self.registration_level == Organization.RegistrationLevel.FILED:
            errors["registration_level"] = _("Direct registration is at city or district level.")
        if errors:
            raise ValidationError(errors)


class RegistrationDocument(models.Model):
    """A file attached to a registration application (charter, ID copies, premises)."""

    application = models.ForeignKey(
        RegistrationApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=100, validators=[validate_clean_text])
    file = models.FileField(
        _("file"), upload_to="registry/registration/%Y/%m/", validators=[validate_upload]
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    scope = Scope(
        area="application__home_area",
        owner="application__applicant",
        organization="application__organization",
    )

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.title


class Filing(models.Model):
    """Filing (备案, R3) of a community group: community 初审, then the federation files it."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned by the community")
        REVIEWED = "reviewed", _("Passed initial review")
        FILED = "filed", pgettext_lazy("filing", "Filed")
        REFUSED = "refused", _("Refused")

    FLOW = Workflow(
        [
            Step("resubmit", ("returned",), "submitted", _("Resubmit")),
            Step("pass_review", ("submitted",), "reviewed", _("Pass initial review")),
            Step("return", ("submitted",), "returned", _("Return with reasons"), True),
            Step("file", ("reviewed",), "filed", pgettext_lazy("filing", "File")),
            Step("refuse", ("reviewed",), "refused", _("Refuse filing"), needs_note=True),
        ]
    )

    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED, db_index=True
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings",
    )
    name = models.CharField(_("group name"), max_length=200, validators=[validate_clean_text])
    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "community"},
    )
    categories = models.ManyToManyField(
        Category, verbose_name=_("service categories"), blank=True, related_name="+"
    )
    leader_name = models.CharField(
        _("person in charge"), max_length=60, validators=[validate_clean_text]
    )
    contact_phone = models.CharField(_("contact phone"), max_length=20, validators=[validate_phone])
    member_count = models.PositiveIntegerField(
        _("members"), default=3, validators=[MinValueValidator(3)]
    )
    activities = models.TextField(_("activities"), validators=[validate_clean_text])
    review_note = models.TextField(_("review note"), blank=True, validators=[validate_clean_text])
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filing",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    scope = Scope(area="community", owner="applicant", organization="organization")

    class Meta:
        verbose_name = _("community group filing")
        verbose_name_plural = _("community group filings")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.get_state_display()})"


class InspectionYear(models.Model):
    """The annual inspection of one year (年检): its report deadline, opened by district staff."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
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
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
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


# --- Federation "four agency" services for filed groups (R6) -----------------------------


class AgencyRecord(models.Model):
    """The federation's 四代 services for a filed group: custody, co-signing, training, errands."""

    class Kind(models.TextChoices):
        CUSTODY = "custody", _("Fund custody (资金代管)")
        CO_SIGN = "co_sign", _("Contract co-signing (项目代签)")
        TRAINING = "training", _("Staff training (人员代培)")
        ERRAND = "errand", _("Errand (事项代办)")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("group"),
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


# --- Social-enterprise certification (R7) ------------------------------------------------


class CertificationBatch(models.Model):
    """A yearly certification batch opened by district staff."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
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
            Step("certify", ("submitted",), "certified", _("Certify")),
            Step("refuse", ("submitted",), "refused", _("Refuse"), needs_note=True),
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
        verbose_name=_("organization"),
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


# --- Enforcement and exit (R9) -----------------------------------------------------------


class Interview(models.Model):
    """An administrative interview (行政约谈)."""

    class Reason(models.TextChoices):
        NO_INSPECTION = "no_inspection", _("Did not accept the annual inspection")
        UNREGISTERED_CHANGE = "unregistered_change", _("Changed without registering the change")
        OTHER = "other", _("Other violation")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
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
            Step("start_liquidation", ("applied",), "liquidating", _("Start liquidation")),
            Step("deregister", ("liquidating",), "deregistered", _("Deregister")),
        ]
    )

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
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
        _("recipient"), max_length=200, blank=True, validators=[validate_clean_text]
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
