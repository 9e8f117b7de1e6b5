"""Scoped reads of purchase projects and contracts (P8)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from huitian.access import has_role, organization_ids, staff_areas, visible
from huitian.models import Role
from procurement.models import (
    Contract,
    ContractPeriod,
    Installment,
    MilestoneReport,
    ProjectApplication,
    PurchaseProject,
)

# The registry's organizations, without importing the registry beyond its selectors.
Organization = ProjectApplication.organization.field.related_model


def projects_for(user) -> QuerySet:
    return visible(user, PurchaseProject.objects.all()).select_related(
        "area", "budget__source", "evaluator", "category"
    )


def applications_for(user) -> QuerySet:
    return visible(user, ProjectApplication.objects.all()).select_related(
        "project", "organization", "organization__home_area", "cosigned_by"
    )


def with_review_scores(queryset: QuerySet) -> QuerySet:
    """Each application's points summed over criteria and reviewers, and how many reviewers
    scored it (`ranking` takes the mean per reviewer)."""
    return queryset.annotate(
        review_points=Sum("scores__points"),
        review_reviewers=Count("scores__reviewer", distinct=True),
    )


@dataclass(frozen=True)
class Ranked:
    application: ProjectApplication
    review_score: Decimal | None  # the mean of the reviewers' totals (None: not scored)
    credit_priority: int  # credit.selectors.purchase_priority: 3A and above
    total: Decimal


def review_score(application) -> Decimal | None:
    reviewers = getattr(application, "review_reviewers", 0)
    if not reviewers:
        return None
    return (Decimal(application.review_points) / reviewers).quantize(Decimal("0.01"))


def ranking(applications) -> list[Ranked]:
    """Applications ranked for award, as shown to staff: review score plus the credit
    grade's priority points (one grade query for all), best first; ties by the lower
    quote, then the earlier application. `applications` come from `with_review_scores`."""
    from credit.selectors import purchase_priority

    rows = list(applications)
    points = purchase_priority({a.organization_id for a in rows})
    ranked = []
    for application in rows:
        score = review_score(application)
        priority = points.get(application.organization_id, 0)
        ranked.append(Ranked(application, score, priority, (score or Decimal(0)) + priority))
    ranked.sort(key=lambda r: (-r.total, r.application.quoted_amount, r.application.pk))
    return ranked


def project_ranking(project: PurchaseProject) -> list[Ranked]:
    return ranking(
        with_review_scores(project.applications.select_related("organization")).order_by("pk")
    )


def contracts_for(user) -> QuerySet:
    return visible(user, Contract.objects.all()).select_related(
        "project", "organization", "application"
    )


def installments_for(user) -> QuerySet:
    return visible(user, Installment.objects.all()).select_related(
        "period__contract__project", "period__contract__organization"
    )


def milestone_reports_for(user) -> QuerySet:
    return visible(user, MilestoneReport.objects.all()).select_related(
        "installment__period__contract"
    )


def open_projects(today: datetime.date | None = None) -> QuerySet:
    """Projects open for applications today (anyone may read their call)."""
    today = today or timezone.localdate()
    return (
        PurchaseProject.objects.filter(state=PurchaseProject.State.OPEN)
        .filter(Q(application_deadline__isnull=True) | Q(application_deadline__gte=today))
        .select_related("area", "category")
        .order_by("application_deadline", "pk")
    )


def applicant_organizations(user) -> list[Organization]:
    """Organizations the user may apply for: its own (member), and as federation staff
    the filed groups of its street (jointly)."""
    orgs = list(Organization.objects.filter(pk__in=organization_ids(user)).order_by("name"))
    if has_role(user, Role.FEDERATION_STAFF):
        paths = [
            path for _id, path in staff_areas(user, for_write=True, roles=(Role.FEDERATION_STAFF,))
        ]
        inside = Q(pk__in=[])
        for path in paths:
            inside |= Q(home_area__path__startswith=path)
        groups = Organization.objects.filter(
            inside, registration_level=Organization.RegistrationLevel.FILED
        ).exclude(pk__in=[o.pk for o in orgs])
        orgs += list(groups.order_by("name"))
    return orgs


def open_projects_for(user, today: datetime.date | None = None) -> list[tuple]:
    """(project, organization, joint) for every open project one of the user's
    organizations is eligible for: the portal's list. One eligibility check per pair."""
    from procurement.services.projects import eligibility_many

    orgs = applicant_organizations(user)
    if not orgs:
        return []
    applied = set(
        ProjectApplication.objects.filter(organization__in=orgs)
        .exclude(state=ProjectApplication.State.WITHDRAWN)
        .values_list("project_id", "organization_id")
    )
    own = set(organization_ids(user))
    cases = [
        (project, org, org.pk not in own)
        for project in open_projects(today)
        for org in orgs
        if (project.pk, org.pk) not in applied
    ]
    found = eligibility_many((org, project, joint) for project, org, joint in cases)
    return [case for case, problems in zip(cases, found, strict=True) if not problems]


def contract_detail(contract_id) -> Contract:
    periods = ContractPeriod.objects.order_by("index").prefetch_related(
        Prefetch(
            "installments",
            queryset=Installment.objects.order_by("order").prefetch_related(
                Prefetch("reports", queryset=MilestoneReport.objects.order_by("-submitted_at"))
            ),
        )
    )
    return (
        Contract.objects.select_related("project", "organization")
        .prefetch_related(Prefetch("periods", queryset=periods))
        .get(pk=contract_id)
    )
