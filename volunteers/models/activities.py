"""Activities, sign-ups with a waitlist, check-in codes and verified hours (V2)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope

TITLE_MAX = 100
PLACE_MAX = 200
SKILLS_MAX = 200


class Activity(models.Model):
    class Category(models.TextChoices):
        ELDERLY = "elderly", _("Elderly care")
        CHILDREN = "children", _("Children and youth")
        ENVIRONMENT = "environment", _("Environment and tidiness")
        SAFETY = "safety", _("Safety and order")
        CULTURE = "culture", _("Culture and civilization")
        HELP = "help", _("Help for people in need")
        OTHER = "other", pgettext_lazy("activity category", "Other")

    class State(models.TextChoices):
        PUBLISHED = "published", pgettext_lazy("activity state", "Published")
        CANCELLED = "cancelled", pgettext_lazy("activity state", "Cancelled")

    title = models.CharField(_("title"), max_length=TITLE_MAX)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    place = models.CharField(_("place"), max_length=PLACE_MAX)
    community = models.ForeignKey(
        "huitian.Area",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    places = models.PositiveIntegerField(_("places"))
    skills_wanted = models.CharField(_("skills wanted"), max_length=SKILLS_MAX, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=0)
    team = models.ForeignKey(
        "volunteers.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_activities",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PUBLISHED
    )
    # 复制推广: the activity this one was copied from (always the first origin).
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
    )
    history = HistoricalRecords()

    # Published activities are public; organizers write by area, organization (team leaders
    # are checked by the rules).
    scope = Scope(area="community", organization="organization", public=True)

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["community", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="activity_span",
                violation_error_message=_("The activity must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(places__gte=1),
                name="activity_places_positive",
                violation_error_message=_("An activity has at least one place."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def span_hours(self) -> Decimal:
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


class Signup(models.Model):
    class State(models.TextChoices):
        CONFIRMED = "confirmed", pgettext_lazy("signup state", "Place confirmed")
        WAITLISTED = "waitlisted", pgettext_lazy("signup state", "On the waitlist")
        CANCELLED = "cancelled", pgettext_lazy("signup state", "Cancelled")

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="signups"
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="signups",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    signed_up_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    hours_confirmed_at = models.DateTimeField(_("hours confirmed at"), null=True, blank=True)
    hours_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    scope = Scope(
        area="activity__community",
        organization="activity__organization",
        owner="volunteer__user",
    )

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["signed_up_at", "pk"]
        indexes = [models.Index(fields=["volunteer", "hours_confirmed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                condition=~Q(state="cancelled"),
                name="one_live_signup_per_activity",
            ),
            models.CheckConstraint(
                condition=Q(hours__isnull=True) | Q(hours__gte=0), name="signup_hours_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=F("checked_in_at")),
                name="checkout_after_checkin",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.activity}"


class CheckinCode(models.Model):
    """A short code the organizer shows at the venue: one use, a few minutes long."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        "volunteers.Signup", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    scope = Scope(area="activity__community", organization="activity__organization")

    class Meta:
        verbose_name = _("check-in code")
        verbose_name_plural = _("check-in codes")
        constraints = [
            models.UniqueConstraint(fields=["activity", "code"], name="one_code_per_activity")
        ]

    def __str__(self):
        return self.code
