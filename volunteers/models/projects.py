"""新时代文明实践项目库 (V3): brand projects organizations submit, reviewed into the
library and tagged by theme; practice centre, stations and points pick them.

The library itself is public (selectors.project_library reads only projects in the
library); a project under review is seen by its organization and area staff only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from huitian.scope import Scope
from huitian.workflow import Step, Workflow

PROJECT_TITLE_MAX = 100
SUMMARY_MAX = 2000
SITE_NAME_MAX = 100
PURPOSE_MAX = 500


class ProjectTheme(models.Model):
    """A theme projects are tagged with (理论宣讲, 文化服务, …); district reference data."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    scope = Scope(public=True)

    class Meta:
        verbose_name = _("practice project theme")
        verbose_name_plural = _("practice project themes")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class PracticeProject(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("practice project state", "Under review")
        RETURNED = "returned", pgettext_lazy("practice project state", "Returned for changes")
        IN_LIBRARY = "in_library", pgettext_lazy("practice project state", "In the library")
        REJECTED = "rejected", pgettext_lazy("practice project state", "Not accepted")
        RETIRED = "retired", pgettext_lazy("practice project state", "Retired from the library")

    FLOW = Workflow(
        [
            Step("accept", (State.SUBMITTED,), State.IN_LIBRARY, _("Accept into the library")),
            Step(
                "return",
                (State.SUBMITTED,),
                State.RETURNED,
                _("Return for changes"),
                needs_note=True,
            ),
            Step("resubmit", (State.RETURNED,), State.SUBMITTED, _("Resubmit the project")),
            Step("reject", (State.SUBMITTED,), State.REJECTED, _("Do not accept"), needs_note=True),
            Step(
                "retire",
                (State.IN_LIBRARY,),
                State.RETIRED,
                _("Retire from the library"),
                needs_note=True,
            ),
        ]
    )

    title = models.CharField(_("title"), max_length=PROJECT_TITLE_MAX)
    summary = models.TextField(_("summary"), max_length=SUMMARY_MAX)
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="practice_projects",
    )
    # The organization's home area when submitted: which staff see the project under review.
    area = models.ForeignKey(
        "huitian.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    themes = models.ManyToManyField(ProjectTheme, verbose_name=_("themes"), related_name="projects")
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    history = HistoricalRecords()

    scope = Scope(area="area", organization="organization")

    class Meta:
        verbose_name = _("practice project")
        verbose_name_plural = _("practice projects")
        ordering = ["-accepted_at", "-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="in_library") | Q(accepted_at__isnull=False),
                name="library_project_accepted_at",
            )
        ]

    def __str__(self):
        return self.title


class PracticeSite(models.Model):
    """The civilization-practice centre (district), a practice station (street) or a
    practice point (community); its level is its area's."""

    name = models.CharField(_("name"), max_length=SITE_NAME_MAX)
    area = models.OneToOneField(
        "huitian.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )

    # Names are public (the library page says who picked a project); picks follow the area.
    scope = Scope(area="area", public=True)

    class Meta:
        verbose_name = _("civilization practice site")
        verbose_name_plural = _("civilization practice sites")
        ordering = ["area__path"]

    def __str__(self):
        return self.name


class ProjectPick(models.Model):
    """A site picks a library project, and the organization that will run it, for its activities."""

    site = models.ForeignKey(
        PracticeSite,
        verbose_name=_("practice site"),
        on_delete=models.PROTECT,
        related_name="picks",
    )
    project = models.ForeignKey(
        PracticeProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="picks"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    purpose = models.CharField(_("purpose"), max_length=PURPOSE_MAX, blank=True)
    activity = models.ForeignKey(
        "volunteers.Activity",
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    picked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    picked_at = models.DateTimeField(_("picked at"), auto_now_add=True)

    scope = Scope(area="site__area", organization="organization")

    class Meta:
        verbose_name = _("project pick")
        verbose_name_plural = _("project picks")
        ordering = ["-picked_at", "-pk"]

    def __str__(self):
        return f"{self.site} ← {self.project}"
