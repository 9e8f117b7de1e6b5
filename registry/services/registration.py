"""Direct registration (R2): decision within 10 working days of acceptance."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Category, Role, User
from huitian.selectors import staff_of
from huitian.services import assign_role, notify
from huitian.workdays import WorkingCalendar
from huitian.workflow import WorkflowError, check_step, move, record_creation
from registry.error_codes import ErrorCode
from registry.models import (
    Organization,
    RegistrationApplication,
    RegistrationDocument,
)
from registry.rules import REGISTRATION_CLERKS
from registry.services.organizations import check_uscc

RA = RegistrationApplication


@transaction.atomic
def create_registration(
    *,
    by: User,
    data: dict,
    categories: Iterable[Category] = (),
    submit: bool = False,
    paper: bool = False,
) -> RegistrationApplication:
    """A contact's online application, or staff entering a paper one (channel = paper)."""
    app = RA(**data)
    if paper:
        app.channel = RA.Channel.PAPER
        app.applicant = data.get("applicant")
    else:
        app.channel = RA.Channel.PORTAL
        app.applicant = by
    if app.uscc:
        check_uscc(app.uscc, for_staff=paper)
    app.full_clean(exclude=["missing_items"])
    if paper:
        require(by, "registry.accept_registration", app)
    app.save()
    app.categories.set(list(categories))
    record_creation(app, by=by, state=app.state)
    if submit:
        _submit(app, by=by)
        _tell_clerks(app)
    return app


def _submit(app: RegistrationApplication, *, by: User) -> None:
    app.submitted_at = timezone.now()
    app.missing_items = []
    move(app, RA.FLOW["submit"], by=by, also=["submitted_at", "missing_items"])


def _not_editable(app: RegistrationApplication) -> WorkflowError | None:
    if app.state in (RA.State.DRAFT, RA.State.RETURNED):
        return None
    return WorkflowError(
        ErrorCode.NOT_EDITABLE,
        _("Only a draft or a returned application can be changed; it is %(state)s.")
        % {"state": app.get_state_display()},
    )


def why_not_update_registration(*, application: RegistrationApplication, by: User) -> list[str]:
    """Why `by` cannot correct and resubmit `application` now (empty: they can)."""
    if not by.has_perm("registry.edit_registration", application):
        return [_("You are not allowed to do this here.")]
    refusal = _not_editable(application)
    return [str(refusal.detail)] if refusal else []


def update_registration(
    *, application_id: int, by: User, data: dict, categories=None
) -> RegistrationApplication:
    """The applicant corrects a draft or a returned application."""
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.edit_registration", app)
        refusal = _not_editable(app)
        if refusal:
            raise refusal
        for key, value in data.items():
            setattr(app, key, value)
        if app.uscc:
            check_uscc(app.uscc, for_staff=False)
        app.full_clean(exclude=["missing_items"])
        app.save()
        if categories is not None:
            app.categories.set(list(categories))
    return app


def submit_registration(*, application_id: int, by: User) -> RegistrationApplication:
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.submit_registration", app)
        _submit(app, by=by)
        _tell_clerks(app)
    return app


def return_registration(
    *, application_id: int, by: User, missing_items: list[str], note: str = ""
) -> RegistrationApplication:
    """补正: send it back with the list of what is missing."""
    items = [str(i).strip() for i in (missing_items or []) if str(i).strip()]
    if not items:
        raise WorkflowError(
            ErrorCode.MISSING_ITEMS_REQUIRED,
            _("List what the applicant must supplement."),
            fields={"missing_items": [_("At least one missing item is required.")]},
        )
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.return_registration", app)
        app.missing_items = items
        move(app, RA.FLOW["return"], by=by, note=note or "；".join(items), also=["missing_items"])
        _tell_applicant(app, _("Your registration application needs supplementing"))
    return app


def accept_registration(
    *, application_id: int, by: User, today: datetime.date | None = None
) -> RegistrationApplication:
    """受理: the decision is due 10 working days later on the working-day calendar."""
    today = today or timezone.localdate()
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.accept_registration", app)
        app.accepted_on = today
        app.decision_due = WorkingCalendar().add_working_days(today, RA.DECISION_WORKING_DAYS)
        move(app, RA.FLOW["accept"], by=by, also=["accepted_on", "decision_due"])
        _tell_applicant(app, _("Your registration application was accepted"))
    return app


def approve_registration(
    *, application_id: int, by: User, uscc: str = "", note: str = ""
) -> RegistrationApplication:
    """Approve: create the organization (or activate the one it names) with its code."""
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.decide_registration", app)
        code = (uscc or app.uscc or "").strip()
        if app.state == RA.State.ACCEPTED:
            if not code:
                raise ValidationError(
                    {"uscc": [_("A registered organization needs its unified social credit code.")]}
                )
            check_uscc(code, for_staff=True, exclude_pk=app.organization_id)
        check_step(app, RA.FLOW["approve"], note=note)
        try:
            with transaction.atomic():
                org = _organization_from(app, code, by=by)
        except IntegrityError as exc:  # a code taken a moment ago by another approval
            raise WorkflowError(
                ErrorCode.USCC_TAKEN, _("This code was registered a moment ago; reload and check.")
            ) from exc
        app.organization = org
        app.uscc = code
        app.decided_at = timezone.now()
        app.decision_note = note
        move(
            app,
            RA.FLOW["approve"],
            by=by,
            note=note,
            also=["organization", "uscc", "decided_at", "decision_note"],
        )
        if app.applicant_id:
            assign_role(user=app.applicant, role=Role.ORG_MEMBER, organization=org)
        _tell_applicant(app, _("Your organization is registered"))
    return app


def _organization_from(app: RegistrationApplication, code: str, *, by: User) -> Organization:
    fields = {
        "name": app.name,
        "uscc": code,
        "legal_form": app.legal_form,
        "registration_level": app.registration_level,
        "home_area": app.home_area,
        "legal_representative": app.legal_representative,
        "contact_name": app.contact_name,
        "contact_phone": app.contact_phone,
        "description": app.purpose,
    }
    if app.organization_id:
        org = Organization.objects.select_for_update().get(pk=app.organization_id)
        if org.status not in (Organization.Status.SUSPENDED, Organization.Status.ACTIVE):
            raise WorkflowError(
                ErrorCode.ORGANIZATION_CLOSED,
                _("The organization is %(status)s and cannot be activated by registration.")
                % {"status": org.get_status_display()},
            )
        for key, value in fields.items():
            setattr(org, key, value)
        if org.status == Organization.Status.SUSPENDED:
            move(
                org,
                Organization.STATUS_FLOW["reactivate"],
                by=by,
                note=_("Registration approved"),
                field_name="status",
                also=list(fields),
            )
        else:
            org._history_user = by
            org.save()
    else:
        org = Organization.objects.create(**fields)
        record_creation(org, by=app.applicant, state=org.status, step="register")
    org.categories.add(*app.categories.all())
    org.service_areas.add(app.home_area)
    return org


def reject_registration(*, application_id: int, by: User, reason: str) -> RegistrationApplication:
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.decide_registration", app)
        app.decided_at = timezone.now()
        app.decision_note = reason
        move(app, RA.FLOW["reject"], by=by, note=reason, also=["decided_at", "decision_note"])
        _tell_applicant(app, _("Your registration application was rejected"))
    return app


def attach_registration_document(
    *, application_id: int, by: User, title: str, upload
) -> RegistrationDocument:
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.edit_registration", app)
        if app.state not in (RA.State.DRAFT, RA.State.RETURNED, RA.State.SUBMITTED):
            raise WorkflowError(
                ErrorCode.NOT_EDITABLE,
                _("Documents can no longer be added: the application is %(state)s.")
                % {"state": app.get_state_display()},
            )
        doc = RegistrationDocument(application=app, title=title, file=upload, uploaded_by=by)
        doc.full_clean()
        doc.save()
    return doc


def _admin_url(app: RegistrationApplication) -> str:
    return reverse("admin:registry_registrationapplication_change", args=[app.pk])


def _tell_clerks(app: RegistrationApplication) -> None:
    notify(
        recipients=staff_of(app.home_area, REGISTRATION_CLERKS),
        kind="registry.registration_submitted",
        title=_("New registration application: %(name)s") % {"name": app.name},
        url=_admin_url(app),
    )


def _tell_applicant(app: RegistrationApplication, title: str) -> None:
    if app.applicant_id:
        notify(
            recipients=[app.applicant],
            kind="registry.registration_update",
            title=f"{title}: {app.name}",
            url=reverse("registry:registration", args=[app.pk]),
        )


def registration_deadline_alerts(*, today: datetime.date | None = None) -> int:
    """Daily: tell the staff about near-due (≤2 working days) and overdue decisions, once a day."""
    today = today or timezone.localdate()
    cal = WorkingCalendar()
    sent = 0
    pending = RA.objects.filter(state=RA.State.ACCEPTED, decision_due__isnull=False).filter(
        Q(alerted_on__isnull=True) | Q(alerted_on__lt=today)
    )
    for app in pending.select_related("home_area").order_by("decision_due", "pk"):
        left = cal.working_days_between(today, app.decision_due)
        if left > RA.NEAR_DUE_WORKING_DAYS:
            continue
        # Claim today's alert: two beat runs never send it twice.
        claimed = (
            RA.objects.filter(pk=app.pk)
            .filter(Q(alerted_on__isnull=True) | Q(alerted_on__lt=today))
            .update(alerted_on=today)
        )
        if not claimed:
            continue
        if left < 0:
            title = _("Overdue by %(n)d working days: registration of %(name)s") % {
                "n": -left,
                "name": app.name,
            }
        else:
            title = _("%(n)d working days left to decide: registration of %(name)s") % {
                "n": left,
                "name": app.name,
            }
        notify(
            recipients=staff_of(app.home_area, REGISTRATION_CLERKS),
            kind="registry.registration_deadline",
            title=title,
            url=_admin_url(app),
            email=True,
        )
        sent += 1
    return sent
