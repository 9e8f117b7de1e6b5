"""Applications to a purchase project (joint ones co-signed by the street federation),
withdrawal, closing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.ledger import yuan
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError, check_step, move, save_new
from procurement.error_codes import ErrorCode
from procurement.models.projects import (
    PROPOSAL_MAX,
    ProjectApplication,
    PurchaseProject,
)
from procurement.services.projects.eligibility import (
    APP_FLOW,
    FLOW,
    _refuse_ineligible,
    eligibility_problems,
    street_of,
)
from procurement.services.projects.lifecycle import _money
from registry.models import Organization

# ---------------------------------------------------------------------------
# Applications.


def apply(
    project: PurchaseProject,
    *,
    organization: Organization,
    by,
    proposal: str,
    quoted_amount,
    joint: bool = False,
    today: datetime.date | None = None,
) -> ProjectApplication:
    """An organization applies (its member), or a street federation applies jointly for a
    filed group of its street (federation staff), co-signing it."""
    if joint:
        require(by, "procurement.apply_jointly", organization)
    else:
        require(by, "procurement.apply_for_project", organization)
    today = today or timezone.localdate()
    if project.state != PurchaseProject.State.OPEN:
        raise WorkflowError(
            ErrorCode.PROJECT_NOT_OPEN,
            _("This project is not open for applications (it is %(state)s).")
            % {"state": project.get_state_display()},
        )
    if project.application_deadline and today > project.application_deadline:
        raise WorkflowError(
            ErrorCode.DEADLINE_PASSED,
            _("Applications closed on %(day)s.") % {"day": project.application_deadline},
        )
    _refuse_ineligible(eligibility_problems(organization, project, joint=joint))
    proposal = (proposal or "").strip()
    if not proposal:
        raise ValidationError({"proposal": [_("Describe how you will provide the service.")]})
    check_lengths(proposal=(proposal, PROPOSAL_MAX))
    amount = _money(quoted_amount, "quoted_amount")
    if amount > project.budget_amount:
        raise WorkflowError(
            ErrorCode.QUOTE_OVER_BUDGET,
            _("¥%(amount)s is more than the project's budget of ¥%(budget)s.")
            % {"amount": yuan(amount), "budget": yuan(project.budget_amount)},
            fields={"quoted_amount": [_("Quote at most the project's budget.")]},
        )
    with transaction.atomic():
        locked = PurchaseProject.objects.select_for_update().get(pk=project.pk)
        if locked.state != PurchaseProject.State.OPEN:
            raise WorkflowError(
                ErrorCode.PROJECT_NOT_OPEN, _("This project is not open for applications.")
            )
        if (
            ProjectApplication.objects.filter(project=project, organization=organization)
            .exclude(state=ProjectApplication.State.WITHDRAWN)
            .exists()
        ):
            raise WorkflowError(
                ErrorCode.ALREADY_APPLIED,
                _("%(org)s has already applied for this project.") % {"org": organization.name},
            )
        application = ProjectApplication(
            project=project,
            organization=organization,
            proposal=proposal,
            quoted_amount=amount,
            is_joint=bool(joint),
            federation_area=street_of(organization.home_area) if joint else None,
            cosigned_by=by if joint else None,
            submitted_by=by,
        )
        save_new(application, by=by, step="file")
    return application


def withdraw_application(application: ProjectApplication, *, by) -> ProjectApplication:
    if application.is_joint:
        require(by, "procurement.apply_jointly", application.organization)
    else:
        require(by, "procurement.apply_for_project", application.organization)
    if application.project.state != PurchaseProject.State.OPEN:
        raise WorkflowError(
            ErrorCode.PROJECT_NOT_OPEN,
            _("Applications can be withdrawn while the project is open."),
        )
    with transaction.atomic():
        move(application, APP_FLOW["withdraw"], by=by)
    return application


def close_applications(
    project: PurchaseProject, *, by, today: datetime.date | None = None
) -> PurchaseProject:
    """Close applications once the deadline has passed; the review starts."""
    require(by, "procurement.manage_project", project)
    check_step(project, FLOW["close"])
    today = today or timezone.localdate()
    if project.application_deadline and today <= project.application_deadline:
        raise WorkflowError(
            ErrorCode.DEADLINE_NOT_PASSED,
            _("Applications are open until %(day)s.") % {"day": project.application_deadline},
        )
    with transaction.atomic():
        move(project, FLOW["close"], by=by)
    return project
