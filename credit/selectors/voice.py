"""Reads of public voice (C5): what a resident may rate, verified complaints, averages."""

import datetime

from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from credit.models import Complaint, ServiceReview


def handled_need(resident, need_id: int):
    """The need, if the resident submitted it and an organization handled it (else None)."""
    from procurement.models import Need

    return (
        Need.objects.filter(pk=need_id, submitter=resident, assigned_org__isnull=False)
        .select_related("assigned_org")
        .first()
    )


def attended_activity(resident, activity_id: int):
    """The activity, if an organization ran it and the resident took a place in it."""
    from volunteers.models import Activity, Signup

    return (
        Activity.objects.filter(
            pk=activity_id,
            organization__isnull=False,
            signups__volunteer__user=resident,
            signups__state=Signup.State.CONFIRMED,
        )
        .select_related("organization")
        .first()
    )


def voice_subjects(resident) -> list[tuple[str, str]]:
    """("need:ID" | "activity:ID", label) of what the resident took part in and an
    organization handled or ran: what they may rate or complain about."""
    from procurement.models import Need
    from volunteers.models import Activity, Signup

    if not getattr(resident, "is_authenticated", False):
        return []
    needs = (
        Need.objects.filter(submitter=resident, assigned_org__isnull=False)
        .select_related("assigned_org")
        .order_by("-created_at")[:50]
    )
    activities = (
        Activity.objects.filter(
            organization__isnull=False,
            signups__volunteer__user=resident,
            signups__state=Signup.State.CONFIRMED,
        )
        .select_related("organization")
        .distinct()
        .order_by("-pk")[:50]
    )
    return [(f"need:{n.pk}", f"{n.assigned_org.name} · {n.title}") for n in needs] + [
        (f"activity:{a.pk}", f"{a.organization.name} · {a.title}") for a in activities
    ]


def verified_complaints(organization_id: int, *, since: datetime.date) -> int:
    return Complaint.objects.filter(
        organization_id=organization_id, state=Complaint.State.VERIFIED, decided_on__gte=since
    ).count()


def public_voice(organization) -> dict:
    """Average rating and counts for the public credit page: only verified complaints count."""
    stats = ServiceReview.objects.filter(organization=organization).aggregate(
        n=Count("pk"), avg=Avg("rating")
    )
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    return {
        "ratings": stats["n"],
        "average": round(float(stats["avg"]), 1) if stats["avg"] is not None else None,
        "verified_complaints": verified_complaints(organization.pk, since=year_ago),
    }


def reviews_for(user) -> QuerySet:
    from huitian.access import visible

    return visible(user, ServiceReview.objects.all()).select_related("organization")


def complaints_for(user) -> QuerySet:
    from huitian.access import visible

    return visible(user, Complaint.objects.all()).select_related("organization")
