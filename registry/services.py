"""Registry writes (R1–R3, R8): each is one transaction that locks, checks the rule,
moves the state and records the transition; follow-ups are enqueued after commit."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, Category, Role, RoleAssignment, User
from huitian.services import assign_role, notify
from huitian.validators import validate_uscc
from huitian.workdays import WorkingCalendar
from huitian.workflow import WorkflowError, move, record_creation
from registry.models import (
    AgencyRecord,
    AnnualReport,
    Certification,
    CertificationBatch,
    Deregistration,
    Filing,
    InspectionYear,
    Interview,
    LiquidationAsset,
    Organization,
    RegistrationApplication,
    RegistrationDocument,
)

RA = RegistrationApplication


# --- Organization register (R1) ----------------------------------------------------------


def uscc_conflict(uscc: str, *, exclude_pk=None) -> Organization | None:
    qs = Organization.objects.filter(uscc=uscc)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def check_uscc(uscc: str, *, for_staff: bool, exclude_pk=None) -> None:
    """Field error for a bad or taken code; only staff learn who holds a taken one."""
    validate_uscc(uscc)
    holder = uscc_conflict(uscc, exclude_pk=exclude_pk)
    if holder is not None:
        if for_staff:
            msg = _("This code is already registered to “%(name)s” (no. %(id)s).") % {
                "name": holder.name,
                "id": holder.pk,
            }
        else:
            msg = _("This code is already registered on the platform.")
        raise ValidationError({"uscc": [ValidationError(msg, code="uscc_taken")]})


def change_organization_status(
    *, organization_id: int, step: str, by: User, note: str = "", merged_into_id=None
) -> Organization:
    """Suspend, reactivate, liquidate, deregister or merge: recorded in the status history."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        require(by, "registry.change_status", org)
        if step == "merge":
            if not merged_into_id or merged_into_id == org.pk:
                raise WorkflowError(
                    "surviving_organization_required",
                    _("A merger must name the surviving organization."),
                    fields={"merged_into": [_("Choose the surviving organization.")]},
                )
            org.merged_into = Organization.objects.get(pk=merged_into_id)
        move(org, Organization.STATUS_FLOW[step], by=by, note=note, field_name="status")
        org.save(update_fields=["status", "merged_into"])
    return org


# --- Direct registration (R2) ------------------------------------------------------------


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
    move(app, RA.FLOW["submit"], by=by)
    app.submitted_at = timezone.now()
    app.missing_items = []
    app.save(update_fields=["state", "submitted_at", "missing_items"])


def update_registration(
    *, application_id: int, by: User, data: dict, categories=None
) -> RegistrationApplication:
    """The applicant corrects a draft or a returned application."""
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.edit_registration", app)
        if app.state not in (RA.State.DRAFT, RA.State.RETURNED):
            raise WorkflowError(
                "not_editable",
                _("Only a draft or a returned application can be changed; it is %(state)s.")
                % {"state": app.get_state_display()},
            )
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
            "missing_items_required",
            _("List what the applicant must supplement."),
            fields={"missing_items": [_("At least one missing item is required.")]},
        )
    with transaction.atomic():
        app = RA.objects.select_for_update().get(pk=application_id)
        require(by, "registry.return_registration", app)
        move(app, RA.FLOW["return"], by=by, note=note or "；".join(items))
        app.missing_items = items
        app.save(update_fields=["state", "missing_items"])
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
        move(app, RA.FLOW["accept"], by=by)
        app.accepted_on = today
        app.decision_due = WorkingCalendar().add_working_days(today, RA.DECISION_WORKING_DAYS)
        app.save(update_fields=["state", "accepted_on", "decision_due"])
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
        move(app, RA.FLOW["approve"], by=by, note=note)
        try:
            with transaction.atomic():
                org = _organization_from(app, code, by=by)
        except IntegrityError as exc:  # a code taken a moment ago by another approval
            raise WorkflowError(
                "uscc_taken", _("This code was registered a moment ago; reload and check.")
            ) from exc
        app.organization = org
        app.uscc = code
        app.decided_at = timezone.now()
        app.decision_note = note
        app.save(update_fields=["state", "organization", "uscc", "decided_at", "decision_note"])
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
        if org.status == Organization.Status.SUSPENDED:
            move(
                org,
                Organization.STATUS_FLOW["reactivate"],
                by=by,
                note=_("Registration approved"),
                field_name="status",
            )
        elif org.status != Organization.Status.ACTIVE:
            raise WorkflowError(
                "organization_closed",
                _("The organization is %(status)s and cannot be activated by registration.")
                % {"status": org.get_status_display()},
            )
        for key, value in fields.items():
            setattr(org, key, value)
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
        move(app, RA.FLOW["reject"], by=by, note=reason)
        app.decided_at = timezone.now()
        app.decision_note = reason
        app.save(update_fields=["state", "decided_at", "decision_note"])
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
                "not_editable",
                _("Documents can no longer be added: the application is %(state)s.")
                % {"state": app.get_state_display()},
            )
        doc = RegistrationDocument(application=app, title=title, file=upload, uploaded_by=by)
        doc.full_clean()
        doc.save()
    return doc


def _registration_staff(area: Area) -> list[User]:
    """District admins and street staff whose area contains `area` (who must decide)."""
    ancestors = [int(x) for x in area.path.strip("/").split("/") if x]
    return list(
        User.objects.filter(
            role_assignments__is_active=True,
            role_assignments__area_id__in=ancestors,
            role_assignments__role__in=[Role.DISTRICT_ADMIN, Role.STREET_STAFF],
        ).distinct()
    )


def _tell_clerks(app: RegistrationApplication) -> None:
    notify(
        recipients=_registration_staff(app.home_area),
        kind="registry.registration_submitted",
        title=_("New registration application: %(name)s") % {"name": app.name},
        url=f"/admin/registry/registrationapplication/{app.pk}/change/",
    )


def _tell_applicant(app: RegistrationApplication, title: str) -> None:
    if app.applicant_id:
        notify(
            recipients=[app.applicant],
            kind="registry.registration_update",
            title=f"{title}: {app.name}",
            url=f"/portal/registrations/{app.pk}/",
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
            recipients=_registration_staff(app.home_area),
            kind="registry.registration_deadline",
            title=title,
            url=f"/admin/registry/registrationapplication/{app.pk}/change/",
            email=True,
        )
        sent += 1
    return sent


# --- Filing of community groups (R3) ------------------------------------------------------


@transaction.atomic
def submit_filing(*, by: User, data: dict, categories: Iterable[Category] = ()) -> Filing:
    filing = Filing(**data, applicant=by, state=Filing.State.SUBMITTED)
    if filing.community_id and filing.community.level != Area.Level.COMMUNITY:
        raise ValidationError({"community": [_("Choose a community, not a street.")]})
    filing.submitted_at = timezone.now()
    filing.full_clean()
    filing.save()
    filing.categories.set(list(categories))
    record_creation(filing, by=by, state=filing.state)
    community_staff = User.objects.filter(
        role_assignments__is_active=True,
        role_assignments__role=Role.COMMUNITY_STAFF,
        role_assignments__area=filing.community,
    )
    notify(
        recipients=list(community_staff),
        kind="registry.filing_submitted",
        title=_("New community group filing: %(name)s") % {"name": filing.name},
        url=f"/admin/registry/filing/{filing.pk}/change/",
    )
    return filing


def resubmit_filing(*, filing_id: int, by: User, data: dict | None = None) -> Filing:
    with transaction.atomic():
        filing = Filing.objects.select_for_update().get(pk=filing_id)
        require(by, "registry.resubmit_filing", filing)
        for key, value in (data or {}).items():
            setattr(filing, key, value)
        filing.full_clean()
        move(filing, Filing.FLOW["resubmit"], by=by)
        filing.submitted_at = timezone.now()
        filing.save()
    return filing


def review_filing(*, filing_id: int, by: User, passed: bool, note: str = "") -> Filing:
    """初审 by the community: pass, or return with reasons."""
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("community").get(pk=filing_id)
        require(by, "registry.review_filing", filing)
        move(filing, Filing.FLOW["pass_review" if passed else "return"], by=by, note=note)
        filing.review_note = note
        filing.save(update_fields=["state", "review_note"])
        _tell_filer(filing)
    return filing


def next_filing_number(street: Area, year: int) -> str:
    prefix = f"HTBA-{street.code}-{year}-"
    last = (
        Organization.objects.filter(filing_number__startswith=prefix)
        .order_by("-filing_number")
        .values_list("filing_number", flat=True)
        .first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def file_filing(*, filing_id: int, by: User, note: str = "") -> Filing:
    """备案 by the street federation: the group gets a filing number and enters the directory."""
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("community").get(pk=filing_id)
        require(by, "registry.file_filing", filing)
        move(filing, Filing.FLOW["file"], by=by, note=note)
        street = filing.community.parent
        # Serialise numbering per street: lock the street row while the number is taken.
        Area.objects.select_for_update().filter(pk=street.pk).first()
        org = Organization.objects.create(
            name=filing.name,
            legal_form=Organization.LegalForm.COMMUNITY_GROUP,
            registration_level=Organization.RegistrationLevel.FILED,
            home_area=filing.community,
            contact_name=filing.leader_name,
            contact_phone=filing.contact_phone,
            description=filing.activities,
            volunteer_count=filing.member_count,
            filing_number=next_filing_number(street, timezone.localdate().year),
        )
        org.service_areas.add(filing.community)
        org.categories.set(filing.categories.all())
        record_creation(org, by=by, state=org.status, step="file")
        filing.organization = org
        filing.filed_at = timezone.now()
        filing.review_note = note
        filing.save(update_fields=["state", "organization", "filed_at", "review_note"])
        if filing.applicant_id:
            assign_role(user=filing.applicant, role=Role.ORG_MEMBER, organization=org)
        _tell_filer(filing)
    return filing


def refuse_filing(*, filing_id: int, by: User, reason: str) -> Filing:
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("community").get(pk=filing_id)
        require(by, "registry.file_filing", filing)
        move(filing, Filing.FLOW["refuse"], by=by, note=reason)
        filing.review_note = reason
        filing.save(update_fields=["state", "review_note"])
        _tell_filer(filing)
    return filing


def _tell_filer(filing: Filing) -> None:
    if filing.applicant_id:
        notify(
            recipients=[filing.applicant],
            kind="registry.filing_update",
            title=_("Your filing “%(name)s” is now: %(state)s")
            % {"name": filing.name, "state": filing.get_state_display()},
            url=f"/portal/filings/{filing.pk}/",
        )


# --- Annual report and inspection (R8) ---------------------------------------------------


def submit_annual_report(
    *, organization_id: int, year: int, by: User, summary: str, income=0, expenditure=0, upload=None
) -> AnnualReport:
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        require(by, "registry.submit_annual_report", org)
        if org.status in (Organization.Status.DEREGISTERED, Organization.Status.MERGED):
            raise WorkflowError(
                "organization_closed", _("A deregistered or merged organization files no report.")
            )
        if AnnualReport.objects.filter(organization=org, year=year).exists():
            raise WorkflowError(
                "already_submitted",
                _("The %(year)s annual report was already submitted.") % {"year": year},
            )
        report = AnnualReport(
            organization=org,
            year=year,
            summary=summary,
            income=income,
            expenditure=expenditure,
            submitted_by=by,
        )
        if upload is not None:
            report.file = upload
        report.full_clean()
        report.save()
    return report


def conclude_annual_report(*, report_id: int, by: User, conclusion: str) -> AnnualReport:
    if conclusion not in AnnualReport.Conclusion.values:
        raise ValidationError({"conclusion": [_("Choose 合格, 基本合格 or 不合格.")]})
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update()
            .select_related("organization__home_area")
            .get(pk=report_id)
        )
        require(by, "registry.conclude_annual_report", report.organization)
        claimed = AnnualReport.objects.filter(pk=report.pk, conclusion="").update(
            conclusion=conclusion, concluded_by=by, concluded_at=timezone.now()
        )
        if not claimed:
            raise WorkflowError(
                "already_concluded", _("This report already has an inspection conclusion.")
            )
        report.refresh_from_db()
    return report


def flag_missing_annual_reports(*, today: datetime.date | None = None) -> int:
    """After a year's deadline, tell members of organizations without a report (once)."""
    from registry.selectors import missing_annual_reports

    today = today or timezone.localdate()
    flagged = 0
    for year in InspectionYear.objects.filter(deadline__lt=today, flagged_at__isnull=True):
        if not InspectionYear.objects.filter(pk=year.pk, flagged_at__isnull=True).update(
            flagged_at=timezone.now()
        ):
            continue
        for org in missing_annual_reports(year.year):
            members = User.objects.filter(
                role_assignments__organization=org, role_assignments__is_active=True
            )
            notify(
                recipients=list(members),
                kind="registry.annual_report_missing",
                title=_("Your %(year)s annual report is missing (deadline %(deadline)s)")
                % {"year": year.year, "deadline": year.deadline},
                url="/portal/",
            )
            flagged += 1
    return flagged


def organization_members(org: Organization) -> list[User]:
    return list(
        User.objects.filter(
            pk__in=RoleAssignment.objects.filter(
                organization=org, is_active=True, role=Role.ORG_MEMBER
            ).values("user_id")
        )
    )


# --- Four agency services (R6) -----------------------------------------------------------


def record_agency_service(*, organization_id: int, by: User, **fields) -> AgencyRecord:
    with transaction.atomic():
        org = Organization.objects.select_related("home_area").get(pk=organization_id)
        require(by, "registry.record_agency_service", org)
        record = AgencyRecord(organization=org, recorded_by=by, **fields)
        record.full_clean()
        record.save()
    return record


# --- Social-enterprise certification (R7) ------------------------------------------------


def apply_for_certification(
    *, organization_id: int, by: User, field: str, description: str, evidence=None
):
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        require(by, "registry.apply_certification", org)
        if org.legal_form != Organization.LegalForm.SOCIAL_ENTERPRISE:
            raise WorkflowError(
                "not_a_social_enterprise", _("Only social enterprises apply for certification.")
            )
        if org.status != Organization.Status.ACTIVE:
            raise WorkflowError(
                "organization_not_active",
                _("Only an active organization applies for certification; it is %(status)s.")
                % {"status": org.get_status_display()},
            )
        batch = CertificationBatch.objects.filter(is_open=True).order_by("-year").first()
        if batch is None:
            raise WorkflowError("no_open_batch", _("No certification batch is open now."))
        if Certification.objects.filter(batch=batch, organization=org).exists():
            raise WorkflowError(
                "already_applied",
                _("This organization already applied in the %(year)s batch.")
                % {"year": batch.year},
            )
        cert = Certification(
            batch=batch, organization=org, field=field, description=description, submitted_by=by
        )
        if evidence is not None:
            cert.evidence = evidence
        cert.full_clean()
        cert.save()
        record_creation(cert, by=by, state=cert.state)
    return cert


def decide_certification(*, certification_id: int, by: User, certify: bool, note: str = ""):
    """Certify (certificate number, validity from the batch) or refuse with a reason."""
    with transaction.atomic():
        cert = (
            Certification.objects.select_for_update()
            .select_related("batch", "organization__home_area")
            .get(pk=certification_id)
        )
        require(by, "registry.decide_certification", cert.organization)
        move(cert, Certification.FLOW["certify" if certify else "refuse"], by=by, note=note)
        cert.decision_note = note
        if certify:
            # Serialise numbering per batch: two certifications decided at once must not
            # take the same certificate number.
            CertificationBatch.objects.select_for_update().filter(pk=cert.batch_id).first()
            today = timezone.localdate()
            seq = (
                Certification.objects.filter(batch=cert.batch, state="certified")
                .exclude(pk=cert.pk)
                .count()
                + 1
            )
            cert.certificate_number = f"HTSE-{cert.batch.year}-{seq:03d}"
            try:
                cert.valid_until = today.replace(year=today.year + cert.batch.validity_years)
            except ValueError:  # 29 February
                cert.valid_until = today.replace(
                    year=today.year + cert.batch.validity_years, day=28
                )
            org = Organization.objects.select_for_update().get(pk=cert.organization_id)
            org.certificate_number = cert.certificate_number
            org.certified_until = cert.valid_until
            org.save(update_fields=["certificate_number", "certified_until"])
        cert.save()
    return cert


# --- Enforcement and exit (R9) -----------------------------------------------------------


def hold_interview(*, organization_id: int, by: User, **fields):
    with transaction.atomic():
        org = Organization.objects.select_related("home_area").get(pk=organization_id)
        require(by, "registry.hold_interview", org)
        interview = Interview(organization=org, conducted_by=by, **fields)
        interview.full_clean()
        interview.save()
        notify(
            recipients=organization_members(org),
            kind="registry.interview",
            title=_("Administrative interview on %(date)s") % {"date": interview.held_on},
            body=interview.get_reason_display(),
        )
    return interview


def record_interview_outcome(
    *, interview_id: int, by: User, outcome: str, follow_up_on: datetime.date | None = None
) -> Interview:
    """What the interview concluded (and when to follow up): the interviewing staff's rule."""
    if not (outcome or "").strip():
        raise ValidationError({"outcome": [_("Record what the interview concluded.")]})
    with transaction.atomic():
        interview = (
            Interview.objects.select_for_update()
            .select_related("organization__home_area")
            .get(pk=interview_id)
        )
        require(by, "registry.hold_interview", interview.organization)
        interview.outcome = outcome
        interview.follow_up_on = follow_up_on
        interview.full_clean()
        interview.save(update_fields=["outcome", "follow_up_on"])
    return interview


def open_deregistration(
    *, organization_id: int, by: User, kind: str, reason: str, surviving_organization_id=None
):
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        require(by, "registry.open_deregistration", org)
        if org.deregistrations.exclude(state=Deregistration.State.DEREGISTERED).exists():
            raise WorkflowError(
                "already_open", _("A deregistration is already under way for this organization.")
            )
        if org.status in (Organization.Status.DEREGISTERED, Organization.Status.MERGED):
            raise WorkflowError("organization_closed", _("The organization is already closed."))
        if kind == Deregistration.Kind.MERGER and not surviving_organization_id:
            raise ValidationError(
                {"surviving_organization": [_("A merger must name the surviving organization.")]}
            )
        dereg = Deregistration(
            organization=org,
            kind=kind,
            reason=reason,
            surviving_organization_id=surviving_organization_id,
        )
        dereg.full_clean()
        dereg.save()
        record_creation(dereg, by=by, state=dereg.state)
    return dereg


def start_liquidation(*, deregistration_id: int, by: User):
    with transaction.atomic():
        dereg = (
            Deregistration.objects.select_for_update()
            .select_related("organization__home_area")
            .get(pk=deregistration_id)
        )
        require(by, "registry.manage_deregistration", dereg.organization)
        move(dereg, Deregistration.FLOW["start_liquidation"], by=by)
        dereg.save(update_fields=["state"])
        org = Organization.objects.select_for_update().get(pk=dereg.organization_id)
        move(org, Organization.STATUS_FLOW["start_liquidation"], by=by, field_name="status")
    return dereg


def _liquidating(deregistration_id: int, by: User) -> Deregistration:
    """Lock a deregistration whose inventory may change: only while it is liquidating."""
    dereg = (
        Deregistration.objects.select_for_update()
        .select_related("organization__home_area")
        .get(pk=deregistration_id)
    )
    require(by, "registry.manage_deregistration", dereg.organization)
    if dereg.state != Deregistration.State.LIQUIDATING:
        raise WorkflowError(
            "not_liquidating",
            _("The inventory can only change during liquidation; it is %(state)s.")
            % {"state": dereg.get_state_display()},
        )
    return dereg


def record_liquidation_asset(
    *, deregistration_id: int, by: User, description: str, value
) -> LiquidationAsset:
    """Add one asset to the liquidation inventory (清算财产清单), not yet disposed."""
    with transaction.atomic():
        dereg = _liquidating(deregistration_id, by)
        asset = LiquidationAsset(deregistration=dereg, description=description, value=value)
        asset.full_clean()
        asset.save()
    return asset


def dispose_liquidation_asset(
    *, asset_id: int, by: User, disposal: str, disposed_value, recipient: str
) -> LiquidationAsset:
    """Record how one asset left the organization: how, for how much, to whom."""
    errors = {}
    if disposal not in LiquidationAsset.Disposal.values or not disposal:
        errors["disposal"] = [_("Choose how the asset was disposed of.")]
    if disposed_value is None:
        errors["disposed_value"] = [_("Enter the value disposed.")]
    if not (recipient or "").strip():
        errors["recipient"] = [_("Name who received the asset.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        asset = LiquidationAsset.objects.select_for_update().get(pk=asset_id)
        _liquidating(asset.deregistration_id, by)
        if asset.disposal:
            raise WorkflowError(
                "already_disposed",
                _("“%(asset)s” was already disposed of.") % {"asset": asset.description},
            )
        asset.disposal = disposal
        asset.disposed_value = disposed_value
        asset.recipient = recipient
        asset.full_clean()
        asset.save(update_fields=["disposal", "disposed_value", "recipient"])
    return asset


def inventory_problems(dereg) -> list[str]:
    """Why the liquidation inventory does not allow deregistration yet (empty: it does)."""
    assets = list(dereg.assets.all())
    problems = []
    pending = [a.description for a in assets if not a.disposal]
    if pending:
        problems.append(_("Not yet disposed: %(assets)s.") % {"assets": "、".join(pending)})
    book = sum((a.value for a in assets), start=0)
    disposed = sum((a.disposed_value or 0 for a in assets), start=0)
    if book != disposed:
        problems.append(
            _(
                "The inventory does not balance: book value %(book)s yuan, "
                "disposed %(disposed)s yuan."
            )
            % {"book": book, "disposed": disposed}
        )
    for a in assets:
        if a.disposal and not a.recipient.strip():
            problems.append(_("“%(asset)s” has no recipient.") % {"asset": a.description})
    return problems


def complete_deregistration(*, deregistration_id: int, by: User, note: str = ""):
    """Deregister (注销): refused while any asset is undisposed or the inventory is off."""
    with transaction.atomic():
        dereg = (
            Deregistration.objects.select_for_update()
            .select_related("organization__home_area")
            .get(pk=deregistration_id)
        )
        require(by, "registry.manage_deregistration", dereg.organization)
        if dereg.state == Deregistration.State.LIQUIDATING:
            problems = inventory_problems(dereg)
            if problems:
                raise WorkflowError("inventory_incomplete", " ".join(str(p) for p in problems))
        move(dereg, Deregistration.FLOW["deregister"], by=by, note=note)
        dereg.save(update_fields=["state"])
        org = Organization.objects.select_for_update().get(pk=dereg.organization_id)
        if dereg.kind == Deregistration.Kind.MERGER:
            org.merged_into_id = dereg.surviving_organization_id
            move(org, Organization.STATUS_FLOW["merge"], by=by, note=note, field_name="status")
        else:
            move(org, Organization.STATUS_FLOW["deregister"], by=by, note=note, field_name="status")
        org.save(update_fields=["status", "merged_into"])
    return dereg
