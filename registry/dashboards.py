"""Registry's dashboard panels (D1): organizations by legal form, category, status, level
and area; registration and filing queues against their deadlines; party-building
coverage; annual-report status. Counted through `q.scoped(...)` (scoping door + chosen
area), grouped by the row's own area and rolled up by the kernel."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huitian.dashboards import Column, Panel, Query, Table, rate
from huitian.workdays import WorkingCalendar
from registry.models import AnnualReport, Filing, Organization, RegistrationApplication
from registry.selectors import LISTED_STATUSES, QUEUE_STATES

Org = Organization
AREA = Column("area", _("area"), series=False, kind="text")
LABEL = Column("label", _("kind"), series=False, kind="text")
COUNT = Column("organizations", _("organizations"))


def _orgs(q: Query):
    return q.scoped(Org.objects.all(), "home_area")


def orgs_by_area(q: Query) -> Table:
    raw = (
        _orgs(q)
        .values("home_area_id")
        .annotate(
            active=Count("pk", filter=Q(status=Org.Status.ACTIVE)),
            other=Count("pk", filter=Q(status__in=LISTED_STATUSES) & ~Q(status=Org.Status.ACTIVE)),
        )
    )
    return Table(
        columns=[
            AREA,
            Column("active", Org.Status.ACTIVE.label),
            Column("other", _("suspended or liquidating")),
        ],
        rows=q.roll_up(raw, "home_area_id", ["active", "other"]),
    )


def _by_choice(q: Query, field: str, choices) -> Table:
    labels = dict(choices)
    rows = _orgs(q).values(field).annotate(organizations=Count("pk")).order_by(field)
    return Table(
        columns=[LABEL, COUNT],
        rows=[
            {"label": str(labels.get(r[field], r[field])), "organizations": r["organizations"]}
            for r in rows
        ],
        label_key="label",
    )


def orgs_by_legal_form(q: Query) -> Table:
    return _by_choice(q, "legal_form", Org.LegalForm.choices)


def orgs_by_status(q: Query) -> Table:
    return _by_choice(q, "status", Org.Status.choices)


def orgs_by_level(q: Query) -> Table:
    return _by_choice(q, "registration_level", Org.RegistrationLevel.choices)


def orgs_by_category(q: Query) -> Table:
    rows = (
        _orgs(q)
        .filter(status__in=LISTED_STATUSES, categories__isnull=False)
        .values("categories__name")
        .annotate(organizations=Count("pk", distinct=True))
        .order_by("-organizations", "categories__name")
    )
    return Table(
        columns=[Column("label", _("category"), series=False, kind="text"), COUNT],
        rows=[{"label": r["categories__name"], "organizations": r["organizations"]} for r in rows],
        label_key="label",
    )


def queues(q: Query) -> Table:
    """Open registration applications against their decision deadline; filings waiting."""
    today = timezone.localdate()
    soon = WorkingCalendar().add_working_days(today, RegistrationApplication.NEAR_DUE_WORKING_DAYS)
    accepted = Q(state=RegistrationApplication.State.ACCEPTED)
    apps = (
        q.scoped(RegistrationApplication.objects.filter(state__in=QUEUE_STATES), "home_area")
        .values(area_id=F("home_area_id"))
        .annotate(
            applications=Count("pk"),
            overdue=Count("pk", filter=accepted & Q(decision_due__lt=today)),
            near_due=Count(
                "pk", filter=accepted & Q(decision_due__gte=today, decision_due__lte=soon)
            ),
        )
    )
    waiting = (Filing.State.SUBMITTED, Filing.State.REVIEWED)
    filings = (
        q.scoped(Filing.objects.filter(state__in=waiting), "community")
        .values(area_id=F("community_id"))
        .annotate(filings=Count("pk"))
    )
    raw = [r | {"filings": 0} for r in apps] + [
        r | {"applications": 0, "overdue": 0, "near_due": 0} for r in filings
    ]
    return Table(
        columns=[
            AREA,
            Column("applications", _("applications open")),
            Column("overdue", _("decision overdue")),
            Column("near_due", _("decision due soon")),
            Column("filings", _("filings waiting")),
        ],
        rows=q.roll_up(raw, "area_id", ["applications", "overdue", "near_due", "filings"]),
        links=[
            {
                "label": _("registration applications"),
                "url": reverse("admin:registry_registrationapplication_changelist"),
            },
            {"label": _("filings"), "url": reverse("admin:registry_filing_changelist")},
        ],
    )


def party_building(q: Query) -> Table:
    raw = (
        _orgs(q)
        .filter(status=Org.Status.ACTIVE)
        .values("home_area_id")
        .annotate(
            total=Count("pk"),
            covered=Count("pk", filter=~Q(party_organization=Org.PartyOrganization.NONE)),
            five=Count("pk", filter=Q(five_party_participation=True)),
        )
    )
    rows = q.roll_up(raw, "home_area_id", ["total", "covered", "five"])
    for row in rows:
        row["coverage"] = rate(row["covered"], row["total"])
    return Table(
        columns=[
            AREA,
            Column("coverage", _("party-organization coverage"), kind="rate"),
            Column("total", _("active organizations"), series=False),
            Column("covered", _("with a party organization"), series=False),
            Column("five", _("five-party participation"), series=False),
        ],
        rows=rows,
    )


def annual_reports(q: Query) -> Table:
    """Reports for the year before the period's year (reports are due the year after)."""
    year = q.period.start.year - 1
    due = (
        _orgs(q)
        .filter(status__in=LISTED_STATUSES, created_at__year__lte=year)
        .values("home_area_id")
        .annotate(due=Count("pk"))
    )
    reports = (
        q.scoped(AnnualReport.objects.filter(year=year), "organization__home_area")
        .values(home_area_id=F("organization__home_area_id"))
        .annotate(
            submitted=Count("pk"),
            passed=Count("pk", filter=Q(conclusion=AnnualReport.Conclusion.PASS)),
            basic=Count("pk", filter=Q(conclusion=AnnualReport.Conclusion.BASIC)),
            failed=Count("pk", filter=Q(conclusion=AnnualReport.Conclusion.FAIL)),
        )
    )
    zero = {"submitted": 0, "passed": 0, "basic": 0, "failed": 0}
    raw = [r | zero for r in due] + [r | {"due": 0} for r in reports]
    rows = q.roll_up(raw, "home_area_id", ["due", *zero])
    for row in rows:
        row["missing"] = max(row["due"] - row["submitted"], 0)
    return Table(
        columns=[
            AREA,
            Column("passed", AnnualReport.Conclusion.PASS.label),
            Column("basic", AnnualReport.Conclusion.BASIC.label),
            Column("failed", AnnualReport.Conclusion.FAIL.label),
            Column("missing", _("not submitted")),
            Column("due", _("reports due"), series=False),
        ],
        rows=rows,
        note=_("Annual reports for %(year)s.") % {"year": year},
    )


PANELS = [
    Panel("orgs-by-area", _("Organizations by area"), orgs_by_area, chart="stacked"),
    Panel("orgs-by-legal-form", _("Organizations by legal form"), orgs_by_legal_form, chart="pie"),
    Panel("orgs-by-category", _("Organizations by service category"), orgs_by_category),
    Panel("orgs-by-status", _("Organizations by status"), orgs_by_status),
    Panel("orgs-by-level", _("Organizations by registration level"), orgs_by_level, chart="pie"),
    Panel("registry-queues", _("Registration and filing queues"), queues, chart="bar"),
    Panel("party-building", _("Party-building coverage"), party_building),
    Panel("annual-reports", _("Annual-report status"), annual_reports, chart="stacked"),
]


def open_organizations(year: int) -> list[dict]:
    """Organizations by legal form and status (registered at the end of `year`)."""
    forms, statuses = dict(Org.LegalForm.choices), dict(Org.Status.choices)
    rows = (
        Org.objects.filter(created_at__year__lte=year)
        .values("legal_form", "status")
        .annotate(organizations=Count("pk"))
        .order_by("legal_form", "status")
    )
    return [
        {
            "legal_form": str(forms.get(r["legal_form"], r["legal_form"])),
            "status": str(statuses.get(r["status"], r["status"])),
            "organizations": r["organizations"],
        }
        for r in rows
    ]


def _open_data():
    from huitian.open_data import Dataset

    return [
        Dataset(
            "organizations",
            _("Organizations by legal form and status"),
            [
                Column("legal_form", _("legal form"), kind="text"),
                Column("status", _("status"), kind="text"),
                COUNT,
            ],
            open_organizations,
        )
    ]


OPEN_DATA = _open_data()
