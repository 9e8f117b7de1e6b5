"""回天社会创新学院 (V5): courses, enrolment, attendance and continuing-education hours;
exam-preparation classes with pass records; university practice bases and placements."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope

COURSE_TITLE_MAX = 100
TEACHER_MAX = 50
PLACE_MAX = 200
BASE_NAME_MAX = 100
UNIVERSITY_MAX = 100
STUDENT_NAME_MAX = 50
MAJOR_MAX = 50


class Audience(models.TextChoices):
    ORG_STAFF = "org_staff", _("Social organization staff")
    SOCIAL_WORKER = "social_worker", _("Social workers")
    COMMUNITY_WORKER = "community_worker", _("Community workers")
    VOLUNTEER = "volunteer", pgettext_lazy("training audience", "Volunteers")


class Course(models.Model):
    class Kind(models.TextChoices):
        REGULAR = "regular", pgettext_lazy("course kind", "Course")
        EXAM_PREP = "exam_prep", _("Social-worker exam preparation")

    class State(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("course state", "Open")
        CANCELLED = "cancelled", pgettext_lazy("course state", "Cancelled")

    topic = models.CharField(pgettext_lazy("course", "topic"), max_length=COURSE_TITLE_MAX)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.REGULAR)
    teacher = models.CharField(_("teacher"), max_length=TEACHER_MAX)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    place = models.CharField(_("place"), max_length=PLACE_MAX)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"))
    credit_hours = models.DecimalField(_("credit hours"), max_digits=5, decimal_places=1)
    # The district (the college) or a street that runs the course: whose staff manage it.
    area = models.ForeignKey(
        "huitian.Area", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PUBLISHED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    scope = Scope(area="area", public=True)  # the course catalogue is public

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="course_span"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="course_capacity_positive"),
            models.CheckConstraint(
                condition=Q(credit_hours__gt=0), name="course_credit_hours_positive"
            ),
        ]

    def __str__(self):
        return self.topic


class Enrolment(models.Model):
    class State(models.TextChoices):
        ENROLLED = "enrolled", pgettext_lazy("enrolment state", "Enrolled")
        CANCELLED = "cancelled", pgettext_lazy("enrolment state", "Cancelled")

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    # Which audience the person studies as (the yearly requirement depends on it).
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.ENROLLED
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    attended_at = models.DateTimeField(_("attendance recorded at"), null=True, blank=True)
    hours = models.DecimalField(
        _("credit hours earned"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    scope = Scope(area="course__area", owner="person")

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                condition=~Q(state="cancelled"),
                name="one_live_enrolment_per_course",
            ),
            models.CheckConstraint(
                condition=Q(attended_at__isnull=True) | Q(hours__isnull=False),
                name="attendance_has_hours",
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.course}"


class TrainingRequirement(models.Model):
    """Continuing-education hours each person of an audience owes in a year."""

    year = models.PositiveSmallIntegerField(_("year"))
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices)
    hours = models.DecimalField(_("required hours"), max_digits=5, decimal_places=1)

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("yearly training requirement")
        verbose_name_plural = _("yearly training requirements")
        ordering = ["-year", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["year", "audience"], name="one_requirement_per_year"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="requirement_hours_positive"),
        ]

    def __str__(self):
        return f"{self.year} {self.get_audience_display()} {self.hours}"


class ExamResult(models.Model):
    """A social-worker qualification exam result of someone in an exam-preparation class."""

    class Level(models.TextChoices):
        ASSISTANT = "assistant", _("Assistant social worker")
        INTERMEDIATE = "intermediate", _("Social worker")
        SENIOR = "senior", _("Senior social worker")

    enrolment = models.OneToOneField(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.PROTECT, related_name="exam"
    )
    level = models.CharField(
        pgettext_lazy("qualification", "level"), max_length=16, choices=Level.choices
    )
    exam_year = models.PositiveSmallIntegerField(_("exam year"))
    passed = models.BooleanField(_("passed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    scope = Scope(area="enrolment__course__area", owner="enrolment__person")

    class Meta:
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        ordering = ["-exam_year", "-pk"]

    def __str__(self):
        return f"{self.enrolment.person} {self.exam_year} {self.get_level_display()}"


class PracticeBase(models.Model):
    """A university's practice base at a community, station or organization."""

    name = models.CharField(_("name"), max_length=BASE_NAME_MAX)
    university = models.CharField(_("university"), max_length=UNIVERSITY_MAX)
    area = models.ForeignKey(
        "huitian.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("host organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(_("student places"))

    scope = Scope(area="area", organization="organization", public=True)

    class Meta:
        verbose_name = _("university practice base")
        verbose_name_plural = _("university practice bases")
        ordering = ["university", "name"]

    def __str__(self):
        return f"{self.university} · {self.name}"


class Placement(models.Model):
    """A student placed at a practice base for a period."""

    base = models.ForeignKey(
        PracticeBase,
        verbose_name=_("practice base"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    student_name = models.CharField(_("student name"), max_length=STUDENT_NAME_MAX)
    major = models.CharField(_("major"), max_length=MAJOR_MAX)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    scope = Scope(area="base__area", organization="base__organization")

    class Meta:
        verbose_name = _("student placement")
        verbose_name_plural = _("student placements")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="placement_period"
            )
        ]

    def __str__(self):
        return f"{self.student_name} @ {self.base}"
