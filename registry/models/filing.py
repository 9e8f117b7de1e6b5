"""Filing of community groups (R3)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area, Category
from huitian.scope import Scope
from huitian.validators import validate_clean_text, validate_phone
from huitian.workflow import Step, Workflow
from registry.models.organizations import Organization


class Filing(models.Model):
    """Filing (备案, R3) of a community group: community 初审, then the federation files it."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned by the community")
        REVIEWED = "reviewed", _("Passed initial review")
        FILED = "filed", pgettext_lazy("filing", "Filed")
        REFUSED = "refused", _("Refused")

    # What the group states (the portal form and the API body ask for these).
    GROUP_FIELDS = (
        "name",
        "community",
        "categories",
        "leader_name",
        "contact_phone",
        "member_count",
        "activities",
    )

    FLOW = Workflow(
        [
            Step("resubmit", (State.RETURNED,), State.SUBMITTED, _("Resubmit")),
            Step("pass_review", (State.SUBMITTED,), State.REVIEWED, _("Pass initial review")),
            Step("return", (State.SUBMITTED,), State.RETURNED, _("Return with reasons"), True),
            Step("file", (State.REVIEWED,), State.FILED, pgettext_lazy("filing", "File")),
            Step("refuse", (State.REVIEWED,), State.REFUSED, _("Refuse filing"), needs_note=True),
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
        verbose_name=pgettext_lazy("registry", "organization"),
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
