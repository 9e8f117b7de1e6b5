"""Honours (C6): yearly nomination and selection; a public roll."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.models import Area
from huitian.scope import Scope
from huitian.workflow import Step, Workflow
from registry.models import Organization


class Nomination(models.Model):
    GROUNDS_MAX_LENGTH = 1000

    class Kind(models.TextChoices):
        EXCELLENT_ORGANIZATION = "excellent_org", _("Excellent social organization")
        EXCELLENT_COMMUNITY = "excellent_community", _("Excellent community")
        GOVERNANCE_PIONEER = "pioneer", _("Governance pioneer")
        BRAND_PROJECT = "brand_project", _("Brand service project")

    # Honours given to an organization (a credit event); the excellent community is an area's.
    ORGANIZATION_KINDS = (
        Kind.EXCELLENT_ORGANIZATION,
        Kind.GOVERNANCE_PIONEER,
        Kind.BRAND_PROJECT,
    )

    class State(models.TextChoices):
        NOMINATED = "nominated", pgettext_lazy("honour state", "Nominated")
        SELECTED = "selected", pgettext_lazy("honour state", "Selected")
        NOT_SELECTED = "not_selected", pgettext_lazy("honour state", "Not selected")

    FLOW = Workflow(
        [
            Step("select", (State.NOMINATED,), State.SELECTED, _("Select for the honour")),
            Step("decline", (State.NOMINATED,), State.NOT_SELECTED, _("Not selected"), True),
        ]
    )

    year = models.PositiveSmallIntegerField(pgettext_lazy("credit", "year"))
    kind = models.CharField(_("honour"), max_length=24, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=pgettext_lazy("credit", "organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    community = models.ForeignKey(
        Area,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    project_name = models.CharField(_("service project"), max_length=100, blank=True)
    grounds = models.TextField(pgettext_lazy("honour", "grounds"), max_length=GROUNDS_MAX_LENGTH)
    # The area that scopes the nomination: the organization's home area or the community.
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="+", editable=False, null=True
    )
    state = models.CharField(
        _("state"), max_length=14, choices=State.choices, default=State.NOMINATED
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_at = models.DateTimeField(_("nominated at"), auto_now_add=True)
    history = HistoricalRecords()

    scope = Scope(area="area", organization="organization")

    class Meta:
        verbose_name = _("honour nomination")
        verbose_name_plural = _("honour nominations")
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=True, community__isnull=False)
                | models.Q(organization__isnull=False, community__isnull=True),
                name="credit_nomination_one_nominee",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "organization", "project_name"],
                condition=models.Q(organization__isnull=False),
                name="credit_nomination_once_per_org",
            ),
            models.UniqueConstraint(
                fields=["year", "kind", "community"],
                condition=models.Q(community__isnull=False),
                name="credit_nomination_once_per_community",
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_kind_display()} {self.nominee}"

    @property
    def nominee(self) -> str:
        name = self.organization.name if self.organization_id else self.community.name
        return f"{name}《{self.project_name}》" if self.project_name else name
