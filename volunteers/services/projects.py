"""新时代文明实践项目库 (V3): submit, review into the library, pick for a site's activities."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, User
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, move, save_new
from volunteers.error_codes import ErrorCode
from volunteers.models import Activity, PracticeProject, PracticeSite, ProjectPick, ProjectTheme
from volunteers.models import projects as limits

FLOW = PracticeProject.FLOW
LEVEL_NAMES = {
    Area.Level.DISTRICT: "新时代文明实践中心",
    Area.Level.STREET: "新时代文明实践所",
    Area.Level.COMMUNITY: "新时代文明实践站",
}


def _check_project(title: str, summary: str, themes) -> tuple[str, str]:
    title, summary = (title or "").strip(), (summary or "").strip()
    check_lengths(title=(title, limits.PROJECT_TITLE_MAX), summary=(summary, limits.SUMMARY_MAX))
    errors = {}
    if not title:
        errors["title"] = [_("Name the project.")]
    if not summary:
        errors["summary"] = [_("Say what the project does and for whom.")]
    if not themes:
        errors["themes"] = [_("Tag the project with at least one theme.")]
    if errors:
        raise ValidationError(errors)
    return title, summary


def submit_project(*, by: User, organization, title: str, summary: str, themes) -> PracticeProject:
    """An organization's member submits a brand project for the library."""
    require(by, "volunteers.submit_project", organization)
    themes = list(themes or [])
    title, summary = _check_project(title, summary, themes)
    with transaction.atomic():
        project = PracticeProject(
            title=title,
            summary=summary,
            organization=organization,
            area=organization.home_area,
            submitted_by=by,
        )
        save_new(project, by=by, step="submit")
        project.themes.set(themes)
    return project


def _locked(project_id: int) -> PracticeProject:
    return (
        PracticeProject.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=project_id)
    )


def revise_project(
    *, project_id: int, by: User, title: str, summary: str, themes
) -> PracticeProject:
    """The organization revises a returned project and sends it back for review."""
    themes = list(themes or [])
    title, summary = _check_project(title, summary, themes)
    with transaction.atomic():
        project = _locked(project_id)
        require(by, "volunteers.submit_project", project.organization)
        project.title, project.summary = title, summary
        move(project, FLOW["resubmit"], by=by, also=["title", "summary"])
        project.themes.set(themes)
    return project


def review_project(*, project_id: int, by: User, step: str, note: str = "") -> PracticeProject:
    """The district reviews: accept into the library, return for changes, reject, retire."""
    if step not in ("accept", "return", "reject", "retire"):
        raise ValidationError({"step": _("Choose accept, return, reject or retire.")})
    with transaction.atomic():
        project = _locked(project_id)
        require(by, "volunteers.review_district")
        also = []
        if step == "accept":
            # A library project names when it was accepted (a CHECK): stamp it before the step.
            project.accepted_at = timezone.now()
            PracticeProject.objects.filter(pk=project.pk).update(accepted_at=project.accepted_at)
            also = ["accepted_at"]
        move(project, FLOW[step], by=by, note=note, also=also)
    return project


def ensure_practice_sites() -> int:
    """The centre (district), a station per street, a point per community (idempotent)."""
    have = set(PracticeSite.objects.values_list("area_id", flat=True))
    new = [
        PracticeSite(area=area, name=f"{area.name}{LEVEL_NAMES[area.level]}")
        for area in Area.objects.filter(level__in=list(LEVEL_NAMES), is_active=True)
        if area.pk not in have
    ]
    PracticeSite.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def pick_project(
    *,
    site_id: int,
    project_id: int,
    by: User,
    organization=None,
    purpose: str = "",
    activity: Activity | None = None,
) -> ProjectPick:
    """A site's staff pick a library project and the organization to run it."""
    site = PracticeSite.objects.select_related("area").get(pk=site_id)
    require(by, "volunteers.staff_of_area", site.area)
    purpose = (purpose or "").strip()
    check_lengths(purpose=(purpose, limits.PURPOSE_MAX))
    with transaction.atomic():
        project = PracticeProject.objects.select_for_update().get(pk=project_id)
        if project.state != PracticeProject.State.IN_LIBRARY:
            raise WorkflowError(
                ErrorCode.NOT_IN_LIBRARY, _("Only projects in the library can be picked.")
            )
        organization = organization or project.organization
        if activity is not None and not activity.community.path.startswith(site.area.path):
            raise ValidationError({"activity": _("Pick an activity held in this site's area.")})
        if ProjectPick.objects.filter(
            site=site, project=project, organization=organization, activity=activity
        ).exists():
            raise WorkflowError(
                ErrorCode.ALREADY_PICKED, _("This site has already picked this project.")
            )
        return ProjectPick.objects.create(
            site=site,
            project=project,
            organization=organization,
            purpose=purpose,
            activity=activity,
            picked_by=by,
        )


def ensure_themes(names) -> list[ProjectTheme]:
    return [
        ProjectTheme.objects.get_or_create(name=name, defaults={"order": i})[0]
        for i, name in enumerate(names)
    ]
