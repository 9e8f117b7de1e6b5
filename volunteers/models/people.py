"""Volunteers, teams and memberships (V1).

A volunteer's resident ID number is never stored readable: a keyed hash keeps
one registration per person and the last four characters are all anyone sees.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.validators import mask_phone

NAME_MAX = 50
SKILLS_MAX = 200
AVAILABILITY_MAX = 200
TEAM_NAME_MAX = 100


class DutyKind(models.Model):
    """One of the 社区八大员 duty kinds; reference data district staff edit."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("duty kind")
        verbose_name_plural = _("duty kinds")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Volunteer(models.Model):
    """A resident registered under their real identity (实名)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="volunteer",
    )
    real_name = models.CharField(_("real name"), max_length=NAME_MAX)
    # HMAC of the normalized number (volunteers.services.people.id_number_digest):
    # one registration per person, and the number itself is never readable.
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_last4 = models.CharField(_("ID number (last four)"), max_length=4, editable=False)
    birth_date = models.DateField(_("birth date"), editable=False)
    phone = models.CharField(_("phone"), max_length=20)
    community = models.ForeignKey(
        "huitian.Area",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="volunteers",
    )
    skills = models.CharField(_("skills"), max_length=SKILLS_MAX, blank=True)
    availability = models.CharField(_("availability"), max_length=AVAILABILITY_MAX, blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["id_number_digest"])

    scope = Scope(area="community", owner="user")

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["-registered_at"]

    def __str__(self):
        return f"{self.real_name} (****{self.id_last4})"

    @property
    def masked_id(self) -> str:
        return f"{'*' * 14}{self.id_last4}"

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Team(models.Model):
    """The district professional team, a community's 八大员 team, or an organization's team."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District Huitian professional team")
        COMMUNITY = "community", _("Community team (eight duty kinds)")
        ORGANIZATION = "organization", _("Organization team")

    name = models.CharField(_("name"), max_length=TEAM_NAME_MAX)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    area = models.ForeignKey(
        "huitian.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="teams"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_teams",
    )
    duty_kinds = models.ManyToManyField(DutyKind, verbose_name=_("duty kinds"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    # Team names are public (volunteers choose whom to join); writes follow area/organization.
    scope = Scope(area="area", organization="organization", public=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=Q(kind="district"), name="one_district_team"
            ),
            models.UniqueConstraint(
                fields=["area"], condition=Q(kind="community"), name="one_team_per_community"
            ),
            models.CheckConstraint(
                condition=Q(kind="organization", organization__isnull=False)
                | (~Q(kind="organization") & Q(organization__isnull=True)),
                name="organization_team_has_organization",
            ),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A volunteer in a team from `joined_at` until `left_at` (history kept)."""

    class Role(models.TextChoices):
        MEMBER = "member", pgettext_lazy("team role", "Member")
        LEADER = "leader", pgettext_lazy("team role", "Leader")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="memberships"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("volunteer"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    history = HistoricalRecords()

    scope = Scope(area="team__area", organization="team__organization", owner="volunteer__user")

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["-joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=Q(left_at__isnull=True),
                name="one_open_membership",
            )
        ]

    def __str__(self):
        return f"{self.volunteer} @ {self.team}"
