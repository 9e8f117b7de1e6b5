"""Who may apply for a purchase project: `eligibility_problems`, the one function."""

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.models import Area
from huitian.workflow import WorkflowError
from procurement.error_codes import ErrorCode
from procurement.models.projects import (
    ProjectApplication,
    PurchaseProject,
)
from registry import selectors as registry_selectors
from registry.models import Organization

FLOW = PurchaseProject.FLOW
APP_FLOW = ProjectApplication.FLOW
MAX_APPLICATION_DAYS = 60
Org = Organization


# ---------------------------------------------------------------------------
# Eligibility: the one function.


def street_of(area: Area | None) -> Area | None:
    """The street (or town) an area lies in; None above street level."""
    while area is not None and area.level != Area.Level.STREET:
        if area.level in (Area.Level.DISTRICT,) or area.parent_id is None:
            return None
        area = area.parent
    return area


def eligibility_problems(
    organization: Organization, project: PurchaseProject | None = None, *, joint: bool = False
) -> list[str]:
    """Why `organization` may not take a purchase of services (empty list: it may).

    THE eligibility rule of government purchase of services (P8), shown to staff with
    its reasons in the admin and the API and applied by `apply` and `award`:
    registered (city/district) organizations in good standing; certified social
    enterprises; filed community groups only through a joint application (`joint=True`)
    co-signed by their street federation, and then only for projects of their own
    street or the district; never an organization suspended, in liquidation or gone,
    nor one on a credit list.

    It is built on `registry.selectors.eligible_contractors()` and
    `registry.selectors.ineligibility_reasons()`, which consult `credit.selectors`
    (the dishonesty and activity-anomaly lists): the credit app extends eligibility
    there, not here, and every door follows.
    """
    return eligibility_many([(organization, project, joint)])[0]


def eligibility_many(cases) -> list[list[str]]:
    """`eligibility_problems` for many (organization, project, joint) at once: two queries
    however many (a screen's list)."""
    cases = list(cases)
    if not cases:
        return []
    ids = {org.pk for org, _p, _j in cases}
    listed = registry_selectors.ineligibility_reasons(list(ids))
    eligible = set(
        registry_selectors.eligible_contractors().filter(pk__in=ids).values_list("pk", flat=True)
    )
    return [
        _problems(org, project, joint, listed.get(org.pk), org.pk in eligible)
        for org, project, joint in cases
    ]


def _problems(organization, project, joint, listed, in_eligible) -> list[str]:
    problems: list[str] = []
    if organization.status != Org.Status.ACTIVE:
        problems.append(
            _("The organization is %(status)s.") % {"status": organization.get_status_display()}
        )
    if organization.legal_form == Org.LegalForm.SOCIAL_ENTERPRISE:
        until = organization.certified_until
        if until is None or until < timezone.localdate():
            problems.append(_("The social enterprise's certification is missing or has expired."))
    if organization.is_filed:
        if not joint:
            problems.append(
                _(
                    "A filed community group may apply only jointly, co-signed by its "
                    "street federation."
                )
            )
        elif project is not None and project.area.level != Area.Level.DISTRICT:
            group_street = street_of(organization.home_area)
            project_street = street_of(project.area)
            if group_street is None or project_street is None or group_street != project_street:
                problems.append(_("A filed community group takes projects of its own street only."))
    if listed:
        problems.append(listed)
    if not problems and not in_eligible:
        problems.append(_("The organization is not among the eligible contractors."))
    return problems


def eligibility_of(organizations: Iterable[Organization], project=None) -> dict[int, list[str]]:
    """`eligibility_problems` for many organizations (a screen's list), by id; filed
    groups as in a joint application."""
    organizations = list(organizations)
    found = eligibility_many((org, project, org.is_filed) for org in organizations)
    return {org.pk: problems for org, problems in zip(organizations, found, strict=True)}


def _refuse_ineligible(problems: list[str]) -> None:
    if problems:
        text = "；".join(problems)
        raise WorkflowError(
            ErrorCode.INELIGIBLE,
            _("This organization may not take this purchase: %(reasons)s") % {"reasons": text},
            fields={"organization": problems},
        )
