"""Registry reads: scoped querysets with what their screens need, and the selectors
other apps call (`eligible_contractors`, `public_directory`, `party_coverage`)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from credit import selectors as credit_selectors
from huitian.access import countable, organization_ids, staff_areas, visible
from huitian.models import Area, Category
from huitian.validators import mask_name, mask_phone
from huitian.workdays import WorkingCalendar
from registry.models import (
    AgencyRecord,
    AnnualReport,
    Deregistration,
    Filing,
    Interview,
    LiquidationAsset,
    Organization,
    RegistrationApplication,
)

Org = Organization
LISTED_STATUSES = (Org.Status.ACTIVE, Org.Status.SUSPENDED, Org.Status.LIQUIDATING)


@dataclass
class Contacts:
    name: str
    phone: str


def contacts_for(user, org: Organization) -> Contacts:
    """What `user` may read of an organization's contacts. Staff over its home area (read-only
    roles included) and its own members read them in full; everyone else reads the phone
    masked, and a community group's contact person (a private resident) masked too."""
    area_path = org.home_area.path
    insider = (
        getattr(user, "is_superuser", False)
        or org.pk in organization_ids(user)
        or any(area_path.startswith(path) for _id, path in staff_areas(user))
    )
    if insider:
        return Contacts(org.contact_name, org.contact_phone)
    is_group = org.legal_form == Org.LegalForm.COMMUNITY_GROUP
    return Contacts(
        name=mask_name(org.contact_name) if is_group else org.contact_name,
        phone=mask_phone(org.contact_phone) if org.contact_phone else "",
    )


def with_list_relations(qs: QuerySet) -> QuerySet:
    """Organizations with what a list or page shows of them (areas, categories) joined."""
    return qs.select_related("home_area", "home_area__parent").prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("sort_order", "code")),
        Prefetch("service_areas", queryset=Area.objects.order_by("code")),
    )


def public_directory(
    *,
    area: Area | None = None,
    category: Category | None = None,
    legal_form: str = "",
    status: str = "",
    search: str = "",
) -> QuerySet:
    """The public directory: registered and filed organizations, deregistered ones on request.

    `area` matches the home area or a service area inside it; `category` includes its
    sub-categories; `search` matches a name fragment or an exact 统一社会信用代码/filing number.
    """
    qs = Org.objects.all()
    qs = qs.filter(status=status) if status else qs.filter(status__in=LISTED_STATUSES)
    if area is not None:
        inside = Q(home_area__path__startswith=area.path) | Q(
            pk__in=Org.service_areas.through.objects.filter(
                area__path__startswith=area.path
            ).values("organization_id")
        )
        qs = qs.filter(inside)
    if category is not None:
        qs = qs.filter(
            pk__in=Org.categories.through.objects.filter(
                Q(category=category) | Q(category__parent=category)
            ).values("organization_id")
        )
    if legal_form:
        qs = qs.filter(legal_form=legal_form)
    if search:
        term = search.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(uscc=term.upper()) | Q(filing_number=term.upper())
        )
    return with_list_relations(qs).order_by("name", "pk")


def uscc_conflict(uscc: str, *, exclude_pk=None) -> Organization | None:
    """The organization already holding `uscc` (other than `exclude_pk`), if any."""
    qs = Org.objects.filter(uscc=uscc)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def eligible_contractors() -> QuerySet:
    """Organizations that may take a government purchase of services (P8, R7).

    Active registered organizations (city/district), filed groups (they contract
    through their street federation's joint application), and certified social
    enterprises; never one on the activity-anomaly or serious-dishonesty list (C7:
    `ineligibility_reasons` says why, for staff).
    """
    registered = Q(
        registration_level__in=[Org.RegistrationLevel.CITY, Org.RegistrationLevel.DISTRICT]
    )
    filed = Q(registration_level=Org.RegistrationLevel.FILED)
    today = timezone.localdate()
    uncertified_enterprise = Q(legal_form=Org.LegalForm.SOCIAL_ENTERPRISE) & (
        Q(certified_until__isnull=True) | Q(certified_until__lt=today)
    )
    qs = (
        Org.objects.filter(status=Org.Status.ACTIVE)
        .filter(registered | filed)
        .exclude(uncertified_enterprise)
    )
    qs = qs.exclude(pk__in=credit_selectors.listed_organization_ids())
    return qs.select_related("home_area").order_by("name", "pk")


QUEUE_STATES = [
    state
    for state in RegistrationApplication.State
    if state not in (RegistrationApplication.State.APPROVED, RegistrationApplication.State.REJECTED)
]


def registration_queue(user, *, state: str = "", today: datetime.date | None = None) -> list:
    """Open applications the user may see (in `state`, one of QUEUE_STATES, when given),
    with working days left on each decision deadline."""
    today = today or timezone.localdate()
    qs = without_others_drafts(user, visible(user, RegistrationApplication.objects.all()))
    qs = qs.filter(state=state) if state else qs.filter(state__in=QUEUE_STATES)
    apps = list(qs.select_related("home_area", "applicant").order_by("decision_due", "pk"))
    annotate_deadlines(apps, today=today)
    return apps


def annotate_deadlines(apps, *, today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    cal = WorkingCalendar()
    for app in apps:
        if app.state == RegistrationApplication.State.ACCEPTED and app.decision_due:
            app.days_left = cal.working_days_between(today, app.decision_due)
            app.is_overdue = app.days_left < 0
            app.is_near_due = 0 <= app.days_left <= RegistrationApplication.NEAR_DUE_WORKING_DAYS
        else:
            app.days_left = None
            app.is_overdue = app.is_near_due = False


def without_others_drafts(user, qs: QuerySet) -> QuerySet:
    """A draft is the applicant's own until submitted: staff do not see it."""
    return qs.exclude(Q(state=RegistrationApplication.State.DRAFT) & ~Q(applicant_id=user.pk))


def registrations_for(user) -> QuerySet:
    return (
        without_others_drafts(user, visible(user, RegistrationApplication.objects.all()))
        .select_related("home_area", "organization")
        .prefetch_related("categories", "documents")
    )


@dataclass
class PortalRecords:
    registrations: QuerySet
    filings: QuerySet
    organizations: QuerySet


def portal_records(user) -> PortalRecords:
    """A resident's own applications, filings and the organizations they are a member of."""
    return PortalRecords(
        registrations=RegistrationApplication.objects.filter(applicant_id=user.pk)
        .select_related("home_area")
        .order_by("-created_at"),
        filings=Filing.objects.filter(applicant_id=user.pk)
        .select_related("community", "organization")
        .order_by("-created_at"),
        organizations=Org.objects.filter(pk__in=organization_ids(user))
        .select_related("home_area")
        .prefetch_related("annual_reports", "agency_records")
        .order_by("name", "pk"),
    )


def filings_for(user) -> QuerySet:
    return (
        visible(user, Filing.objects.all())
        .select_related("community", "community__parent", "organization")
        .prefetch_related("categories")
    )


def missing_annual_reports(year: int) -> QuerySet:
    """Organizations that should have reported for `year` but have not."""
    return (
        Org.objects.filter(status__in=LISTED_STATUSES, created_at__year__lte=year)
        .exclude(annual_reports__year=year)
        .select_related("home_area")
    )


def public_conclusions(org: Organization) -> QuerySet:
    return AnnualReport.objects.filter(organization=org).exclude(conclusion="").order_by("-year")


@dataclass
class Coverage:
    area: Area
    organizations: int
    with_party_organization: int
    five_party: int

    @property
    def ratio(self) -> float:
        return self.with_party_organization / self.organizations if self.organizations else 0.0


def party_coverage(user=None, *, level: str = Area.Level.STREET) -> list[Coverage]:
    """Party-building coverage (R5) by street or community: organizations with a party
    organization of any type, out of the active ones whose home area lies there."""
    orgs = Org.objects.filter(status=Org.Status.ACTIVE)
    if user is not None:
        orgs = countable(user, orgs)  # figures: the evaluator counts its area too
    rows = orgs.values("home_area__path").annotate(
        total=Count("pk"),
        covered=Count("pk", filter=~Q(party_organization=Org.PartyOrganization.NONE)),
        five=Count("pk", filter=Q(five_party_participation=True)),
    )
    areas = list(Area.objects.filter(level=level).order_by("code"))
    out = {a.pk: Coverage(a, 0, 0, 0) for a in areas}
    by_path = sorted(((a.path, a.pk) for a in areas), key=lambda x: -len(x[0]))
    for row in rows:
        for path, pk in by_path:
            if (row["home_area__path"] or "").startswith(path):
                c = out[pk]
                c.organizations += row["total"]
                c.with_party_organization += row["covered"]
                c.five_party += row["five"]
                break
    return [c for c in out.values() if c.organizations] if user is not None else list(out.values())


def ineligibility_reasons(organization_ids) -> dict[int, str]:
    """Why each of these organizations may not take a purchase (shown to staff)."""
    return credit_selectors.exclusion_reasons(organization_ids)


def guided_exit_candidates(*, year: int | None = None) -> QuerySet:
    """Weak organizations to consider for guided merger or exit (R9): a failed inspection
    in the last two years, no annual report for last year (inactive), a place on a credit
    list, or a low star rating (C7)."""
    year = year or timezone.localdate().year - 1
    failed = Q(
        annual_reports__year__gte=year - 1, annual_reports__conclusion=AnnualReport.Conclusion.FAIL
    )
    reported = AnnualReport.objects.filter(year=year).values("organization_id")
    inactive = Q(created_at__year__lt=year) & ~Q(pk__in=reported)
    return (
        Org.objects.filter(status__in=[Org.Status.ACTIVE, Org.Status.SUSPENDED])
        .filter(
            failed
            | inactive
            | Q(pk__in=credit_selectors.listed_organization_ids())
            | Q(pk__in=credit_selectors.low_rated_organization_ids())
        )
        .distinct()
        .select_related("home_area")
        .order_by("name", "pk")
    )


def interviews_for(user) -> QuerySet:
    """Administrative interviews the user may see (staff of the area, the organization)."""
    return visible(user, Interview.objects.all()).select_related("organization", "conducted_by")


def deregistrations_for(user) -> QuerySet:
    """Deregistrations with their liquidation inventory (one query for all the assets)."""
    return (
        visible(user, Deregistration.objects.all())
        .select_related("organization", "surviving_organization")
        .prefetch_related(Prefetch("assets", queryset=LiquidationAsset.objects.order_by("pk")))
    )


def agency_records_for(user) -> QuerySet:
    """The four agency services (R6): the group's members and its street's staff."""
    return visible(user, AgencyRecord.objects.all()).select_related("organization", "recorded_by")


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
