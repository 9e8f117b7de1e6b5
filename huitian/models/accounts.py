"""Users, roles and role assignments (K2): what scopes a user."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from huitian.models.areas import Area
from huitian.scope import Scope
from huitian.validators import validate_phone


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
# Which area level(s) each role is assigned at (None: any level; absent: no area).
# Federation staff work for a street's federation or, at district level, for the
# district federation (the volunteer federation that sees every team in the district).
ROLE_AREA_LEVEL = {
    Role.DISTRICT_ADMIN: Area.Level.DISTRICT,
    Role.STREET_STAFF: Area.Level.STREET,
    Role.FEDERATION_STAFF: (Area.Level.STREET, Area.Level.DISTRICT),
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
            levels = (level,) if isinstance(level, str) else (level or ())
            if levels and self.area.level not in levels:
                raise ValidationError(
                    {
                        "area": _("A %(role)s is assigned at %(level)s level.")
                        % {
                            "role": self.get_role_display(),
                            "level": "/".join(str(Area.Level(lv).label) for lv in levels),
                        }
                    }
                )
        if self.role == Role.ORG_MEMBER and not self.organization_id:
            raise ValidationError(
                {"organization": _("An organization member needs an organization.")}
            )
