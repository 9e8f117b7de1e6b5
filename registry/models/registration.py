"""Direct registration (R2): applications and their documents."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area, Category
from huitian.scope import Scope
from huitian.uploads import validate_upload
from huitian.validators import validate_clean_text, validate_phone, validate_uscc
from huitian.workflow import Step, Workflow
from registry.models.organizations import Organization


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
            Step("submit", (State.DRAFT, State.RETURNED), State.SUBMITTED, _("Submit")),
            Step("return", (State.SUBMITTED,), State.RETURNED, _("Return for supplement"), True),
            Step("accept", (State.SUBMITTED,), State.ACCEPTED, _("Accept")),
            Step(
                "approve",
                (State.ACCEPTED,),
                State.APPROVED,
                pgettext_lazy("registration", "Approve"),
            ),
            Step(
                "reject",
                (State.ACCEPTED,),
                State.REJECTED,
                pgettext_lazy("registration", "Reject"),
                needs_note=True,
            ),
        ]
    )
    # What the applicant states (every door that takes an application asks for these).
    APPLICANT_FIELDS = (
        "name",
        "legal_form",
        "registration_level",
        "home_area",
        "categories",
        "uscc",
        "legal_representative",
        "contact_name",
        "contact_phone",
        "purpose",
    )
    DECISION_WORKING_DAYS = 10
    NEAR_DUE_WORKING_DAYS = 2

    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )
    channel = models.CharField(
        pgettext_lazy("registration", "channel"),
        max_length=16,
        choices=Channel.choices,
        default=Channel.PORTAL,
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
        verbose_name=pgettext_lazy("registry", "organization"),
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
