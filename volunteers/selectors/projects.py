"""Reads of the civilization practice project library (V3)."""

from django.db.models import QuerySet

from huitian.access import visible


def project_library(*, theme: int | None = None, q: str = "") -> QuerySet:
    """The public library: accepted projects only, whoever asks (the library is public)."""
    from django.db.models import Prefetch

    from volunteers.models import PracticeProject, ProjectPick, ProjectTheme

    qs = (
        PracticeProject.objects.filter(state=PracticeProject.State.IN_LIBRARY)
        .select_related("organization")
        .prefetch_related(
            Prefetch("themes", queryset=ProjectTheme.objects.order_by("order", "name")),
            Prefetch("picks", queryset=ProjectPick.objects.select_related("site")),
        )
        .order_by("-accepted_at", "-pk")
    )
    if theme:
        qs = qs.filter(themes__id=theme)
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def projects_for(user) -> QuerySet:
    from volunteers.models import PracticeProject

    return visible(user, PracticeProject.objects.all()).select_related("organization")
