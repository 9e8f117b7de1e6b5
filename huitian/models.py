"""Platform kernel tables: areas, users and roles, working-day calendar,
workflow transitions, notifications and idempotency records."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F, Func, Value
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import SUPERUSERS_ONLY, Scope
from huitian.validators import validate_clean_text, validate_phone


class Area(models.Model):
    """District → street/town → community (K1). Every placed record points here.

    `path` is the chain of ids ("/1/8/23/") so that "inside this area" is one
    indexed prefix match, whatever the depth.
    """

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street/town")
        COMMUNITY = "community", _("Community")

    PARENT_LEVEL = {Level.STREET: Level.DISTRICT, Level.COMMUNITY: Level.STREET}

    code = models.CharField(
        _("division code"),
        max_length=12,
        unique=True,
        validators=[
            RegexValidator(
                r"^\d{6}(\d{3}(\d{3})?)?$",
                _("A division code has 6, 9 or 12 digits (statistical division code)."),
            )
        ],
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_clean_text])
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Retired areas stay for history but take no new records."),
    )
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "is_active"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)
            old_path = self.path
            new_path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
            if old_path != new_path:
                Area.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    # Re-home the subtree when an area moves to another parent.
                    Area.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Func(F("path"), Value(old_path), Value(new_path), function="REPLACE")
                    )
                self.path = new_path
        from huitian.access import forget_area_tree  # access imports this module

        transaction.on_commit(forget_area_tree)

    def clean(self):
        expected = self.PARENT_LEVEL.get(self.level)
        if self.level == self.Level.DISTRICT and self.parent_id:
            raise ValidationError({"parent": _("A district has no parent area.")})
        if expected and (self.parent is None or self.parent.level != expected):
            raise ValidationError(
                {
                    "parent": _("A %(level)s must sit under a %(parent)s.")
                    % {"level": self.get_level_display(), "parent": self.Level(expected).label}
                }
            )

    def contains(self, other: "Area") -> bool:
        return bool(other and other.path.startswith(self.path))


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    STREET_STAFF = "street_staff", _("Street/town staff")
    FEDERATION_STAFF = "federation_staff", _("Federation staff")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    EVALUATOR = "evaluator", _("Third-party evaluator")
    AUDITOR = "auditor", _("Auditor (read-only)")
    ORG_MEMBER = "org_member", _("Organization member")
    RESIDENT = "resident", _("Resident")


STAFF_ROLES = frozenset(
    {
        Role.DISTRICT_ADMIN,
        Role.STREET_STAFF,
        Role.FEDERATION_STAFF,
        Role.COMMUNITY_STAFF,
        Role.EVALUATOR,
        Role.AUDITOR,
    }
)
# Roles that read within their area but never change ordinary records. An
# evaluator writes only what its own services allow (reviews, evaluations).
READ_ONLY_ROLES = frozenset({Role.EVALUATOR, Role.AUDITOR})
# Which area level each role is assigned at (None: any level; absent: no area).
ROLE_AREA_LEVEL = {
    Role.DISTRICT_ADMIN: Area.Level.DISTRICT,
    Role.STREET_STAFF: Area.Level.STREET,
    Role.FEDERATION_STAFF: Area.Level.STREET,
    Role.COMMUNITY_STAFF: Area.Level.COMMUNITY,
    Role.EVALUATOR: None,
    Role.AUDITOR: Area.Level.DISTRICT,
}


class User(AbstractUser):
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    scope = Scope(owner="pk")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return f"{full} ({self.username})" if full else self.username


class RoleAssignment(models.Model):
    """A user holds a role in an area (staff) or for an organization (members)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="member_assignments",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    # Staff see the assignments of users inside their area; a user sees their own.
    scope = Scope(area="area", owner="user")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "area", "organization"], name="unique_role_assignment"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="org_member") | models.Q(organization__isnull=False),
                name="org_member_has_organization",
            ),
        ]

    def __str__(self):
        where = self.organization or self.area or "—"
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self):
        if self.role in STAFF_ROLES:
            if not self.area_id:
                raise ValidationError({"area": _("Staff roles are held in an area.")})
            level = ROLE_AREA_LEVEL.get(self.role)
            if level and self.area.level != level:
                raise ValidationError(
                    {
                        "area": _("A %(role)s is assigned at %(level)s level.")
                        % {"role": self.get_role_display(), "level": Area.Level(level).label}
                    }
                )
        if self.role == Role.ORG_MEMBER and not self.organization_id:
            raise ValidationError(
                {"organization": _("An organization member needs an organization.")}
            )


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


class Transition(models.Model):
    """One recorded workflow step (from, to, by, when, note): the audit line of every workflow."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    step = models.CharField(_("step"), max_length=64)
    from_state = models.CharField(_("from"), max_length=32)
    to_state = models.CharField(_("to"), max_length=32)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # A reason or remark, not a document: every door that takes one caps it here too.
    NOTE_MAX_LENGTH = 1000
    note = models.TextField(_("note"), blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])

    # Read through the subject's own scope; the admin shows them inline on the record.
    scope = SUPERUSERS_ONLY

    class Meta:
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), 1000),
                name="huitian_transition_note_max_length",
            )
        ]

    def __str__(self):
        before, after = self.state_label(self.from_state), self.state_label(self.to_state)
        return f"{before} → {after} ({self.step_label()})"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValidationError("Workflow transitions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Workflow transitions are append-only.")

    def _workflows(self) -> list:
        from huitian.workflow import Workflow  # the workflow module imports this one

        model = self.content_type.model_class() if self.content_type_id else None
        return [w for w in vars(model).values() if isinstance(w, Workflow)] if model else []

    def step_label(self) -> str:
        """The step as staff read it: its Workflow label (“Reject”), not the code."""
        for flow in self._workflows():
            found = flow._by_name.get(self.step)
            if found is not None:
                return str(found.label or found.name)
        from huitian.workflow import CREATION_STEPS

        return str(CREATION_STEPS.get(self.step, self.step))

    def state_label(self, value: str) -> str:
        """A recorded state as staff read it, from the field this step's workflow moves."""
        if not value:
            return "—"
        flows = self._workflows()
        fields = [f.field for f in flows if self.step in f._by_name] or [f.field for f in flows]
        model = self.content_type.model_class() if self.content_type_id else None
        for name in dict.fromkeys(fields or ["state", "status"]) if model else ():
            try:
                choices = dict(model._meta.get_field(name).flatchoices)
            except FieldDoesNotExist:
                continue
            if value in choices:
                return str(choices[value])
        return value


class Notification(models.Model):
    """An in-app message to one user (K6); e-mail/SMS hooks read the same rows."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("notification", "recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=48)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The row is the queue for e-mail: pending while wants_email and email_sent_at is NULL.
    wants_email = models.BooleanField(_("send by e-mail"), default=False)
    email_sent_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    scope = Scope(owner="recipient")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(wants_email=True, email_sent_at__isnull=True),
                name="notification_email_pending",
            ),
        ]

    def __str__(self):
        return self.title


class IdempotencyRecord(models.Model):
    """The first response to a POST that carried an Idempotency-Key (kept 24 h)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        DONE = "done"

    owner = models.CharField(max_length=80)  # "user:12" or "anon:<address>"
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=State.choices, default=State.IN_PROGRESS)
    status_code = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    scope = SUPERUSERS_ONLY
    LIFETIME = datetime.timedelta(hours=24)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key", "endpoint"], name="unique_idempotency_key"
            )
        ]

    def __str__(self):
        return f"{self.owner} {self.key}"

    @property
    def expired(self) -> bool:
        return self.created_at < timezone.now() - self.LIFETIME


class Category(models.Model):
    """The shared service-category taxonomy (R4): organizations, needs and offers use it.

    Two levels: a group (governance, culture and sports, …) and its categories.
    Managed by district staff in the admin; codes are stable identifiers.
    """

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=60, validators=[validate_clean_text])
    parent = models.ForeignKey(
        "self",
        verbose_name=pgettext_lazy("service category", "group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_priority = models.BooleanField(
        _("priority category"),
        default=False,
        help_text=_("Priority for cultivation under the 2019 plan (§8)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name
