"""A resident's need (需求) and its lifecycle (P1)."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area, Category
from huitian.scope import Scope
from huitian.validators import validate_clean_text, validate_phone
from huitian.workflow import Step, Workflow
from procurement.models import limits

TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone
TEXT_LIMIT = limits.NEED_TEXT
TITLE_LIMIT = 120


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(10))


class Need(models.Model):
    class Channel(models.TextChoices):
        CHANGPING_APP = "changping_app", _("Beijing Changping app")
        HOTLINE_12345 = "hotline_12345", _("12345 hotline")
        HUITIAN_PLATFORM = "huitian_platform", _("Huitian-and-me platform")
        HLG_NET = "huilongguan_net", _("Huilongguan community web")
        TTY_NET = "tiantongyuan_net", _("Tiantongyuan community web")
        STAFF_REPORT = "staff_report", _("Community/street staff report")
        WEB_FORM = "web_form", _("Resident web form")
        API = "api", _("API")
        OPEN311 = "open311", _("Open311 client")

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", pgettext_lazy("need state", "Rejected")
        ASSIGNED = "assigned", _("Assigned")
        IN_SERVICE = "in_service", _("In service")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        CLOSED_UNRESOLVED = "closed_unresolved", _("Closed without resolution")

    class RejectReason(models.TextChoices):
        OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
        DUPLICATE = "duplicate", _("Duplicate")

    class UnresolvedReason(models.TextChoices):
        OUTSIDE_REMIT = "outside_remit", _("Outside the remit")
        NOT_FEASIBLE = "not_feasible", _("Could not be done")
        UNREACHABLE = "unreachable", _("Resident unreachable")

    class Urgency(models.IntegerChoices):
        NORMAL = 1, _("Normal")
        URGENT = 2, _("Urgent")
        CRITICAL = 3, _("Critical")

    OPEN_STATES = (State.RECEIVED, State.ACCEPTED, State.ASSIGNED, State.IN_SERVICE)
    FLOW = Workflow(
        [
            Step("accept", (State.RECEIVED,), State.ACCEPTED, _("Accept")),
            Step("reject", (State.RECEIVED,), State.REJECTED, _("Reject"), needs_note=True),
            Step("assign", (State.ACCEPTED, State.ASSIGNED), State.ASSIGNED, _("Assign")),
            Step("start", (State.ASSIGNED,), State.IN_SERVICE, _("Start service")),
            Step("resolve", (State.ASSIGNED, State.IN_SERVICE), State.RESOLVED, _("Resolve")),
            Step("close", (State.RESOLVED,), State.CLOSED, _("Close with rating")),
            Step(
                "close_unresolved",
                (State.ACCEPTED, State.ASSIGNED, State.IN_SERVICE),
                State.CLOSED_UNRESOLVED,
                _("Close without resolution"),
                needs_note=True,
            ),
            Step(
                "reopen",
                (State.CLOSED, State.CLOSED_UNRESOLVED),
                State.ACCEPTED,
                _("Reopen"),
                needs_note=True,
            ),
        ]
    )

    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code, editable=False
    )
    channel = models.CharField(
        pgettext_lazy("need", "channel"), max_length=24, choices=Channel.choices
    )
    community = models.ForeignKey(
        Area, verbose_name=_("community"), on_delete=models.PROTECT, related_name="needs"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="needs"
    )
    title = models.CharField(_("title"), max_length=TITLE_LIMIT, validators=[validate_clean_text])
    text = models.TextField(
        pgettext_lazy("need", "description"),
        max_length=TEXT_LIMIT,
        validators=[validate_clean_text],
    )
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency.choices, default=Urgency.NORMAL
    )
    address = models.CharField(
        _("address"), max_length=200, blank=True, validators=[validate_clean_text]
    )
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lng = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact_name = models.CharField(
        _("contact name"), max_length=60, blank=True, validators=[validate_clean_text]
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    external_ref = models.CharField(
        _("external reference"),
        max_length=64,
        null=True,
        blank=True,
        validators=[validate_clean_text],
    )
    state = models.CharField(
        _("state"), max_length=24, choices=State.choices, default=State.RECEIVED, editable=False
    )
    reject_reason = models.CharField(
        _("rejection reason"), max_length=24, choices=RejectReason.choices, blank=True
    )
    unresolved_reason = models.CharField(
        _("reason closed without resolution"),
        max_length=24,
        choices=UnresolvedReason.choices,
        blank=True,
    )
    assigned_area = models.ForeignKey(
        Area,
        verbose_name=_("assigned to area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_needs",
    )
    assigned_org = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("assigned to organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_needs",
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    response_due = models.DateField(_("response due"), null=True, blank=True)
    resolution_due = models.DateField(_("resolution due"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Reopened by the resident: how often, and when last (a new resolution deadline
    # runs from then; the resolution rate counts a reopened need as not resolved).
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0, editable=False)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True, editable=False)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction_comment = models.TextField(
        _("resident's comment"),
        blank=True,
        max_length=limits.NEED_COMMENT,
        validators=[validate_clean_text],
    )
    # Grouping (P2): jieba tokens kept on the row; NULL grouped_at = still to group (the queue).
    tokens = models.TextField(_("tokens"), blank=True, editable=False)
    grouped_at = models.DateTimeField(_("grouped at"), null=True, blank=True, editable=False)
    topic = models.ForeignKey(
        "procurement.Topic",
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    history = HistoricalRecords(excluded_fields=["tokens", "grouped_at", "updated_at"])

    scope = Scope(area="community", organization="assigned_org", owner="submitter")

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_ref"],
                condition=models.Q(external_ref__isnull=False),
                name="need_unique_external_ref",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="need_satisfaction_1_5",
            ),
            limits.at_most("text", limits.NEED_TEXT, name="need_text_length"),
            limits.at_most("satisfaction_comment", limits.NEED_COMMENT, name="need_comment_length"),
        ]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(grouped_at__isnull=True), name="need_ungrouped"
            ),
            models.Index(fields=["state", "response_due"]),
            models.Index(fields=["topic", "created_at"]),
            models.Index(fields=["community", "category", "created_at"]),
            # The incremental compile asks "what changed since the last run".
            models.Index(fields=["updated_at"], name="need_updated_at"),
            models.Index(fields=["grouped_at"], name="need_grouped_at"),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


def need_photo_path(instance, filename):
    return f"needs/{instance.need.tracking_code}/{secrets.token_hex(8)}-{filename[-60:]}"


class NeedPhoto(models.Model):
    need = models.ForeignKey(
        Need, verbose_name=_("need"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to=need_photo_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    scope = Scope(
        area="need__community", organization="need__assigned_org", owner="need__submitter"
    )

    class Meta:
        verbose_name = _("need photo")
        verbose_name_plural = _("need photos")

    def __str__(self):
        return self.image.name


class CategoryDeadline(models.Model):
    """Response and resolution deadlines in working days, per category (configurable)."""

    category = models.OneToOneField(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="deadline"
    )
    response_days = models.PositiveSmallIntegerField(_("response within (working days)"), default=1)
    resolution_days = models.PositiveSmallIntegerField(
        _("resolution within (working days)"), default=15
    )
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("deadline per category")
        verbose_name_plural = _("deadlines per category")

    def __str__(self):
        return f"{self.category}: {self.response_days}/{self.resolution_days}"
