"""Whistle calls, their responses and response times, within the caller's reach."""

from django.db.models import Avg, Count, Min, Prefetch, Q, QuerySet

from huitian.access import visible
from procurement.models import WhistleCall, WhistleResponse


def whistle_calls_for(user):
    return (
        visible(user, WhistleCall.objects.all())
        .select_related("community", "category")
        .annotate(response_count=Count("responses", distinct=True))
    )


def whistle_calls_with_responses(user):
    return (
        visible(user, WhistleCall.objects.all())
        .select_related("community", "category")
        .prefetch_related(
            Prefetch("responses", WhistleResponse.objects.select_related("organization"))
        )
    )


def responded_call_ids(calls, organizations) -> set[int]:
    """Which of `calls` the `organizations` already answered."""
    return set(
        WhistleResponse.objects.filter(call__in=calls, organization__in=organizations).values_list(
            "call_id", flat=True
        )
    )


def whistle_responses_for(user) -> QuerySet:
    return visible(user, WhistleResponse.objects.all())


def whistle_response_times(user) -> QuerySet:
    """Per organization: responses to the whistle calls the user sees, minutes, selections."""
    return (
        whistle_responses_for(user)
        .values("organization_id", "organization__name")
        .annotate(
            responses=Count("pk"),
            avg_minutes=Avg("response_minutes"),
            fastest=Min("response_minutes"),
            selected=Count("pk", filter=Q(selected=True)),
        )
        .order_by("avg_minutes", "organization_id")
    )
