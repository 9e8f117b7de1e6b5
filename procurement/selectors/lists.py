"""Topics and the published needs lists."""

from django.db.models import Q

from huitian.access import visible
from procurement.models import NeedsList, NeedsListEntry, Topic


def topics_for(user):
    """Open and matched topics of the user's areas (merged ones are gone into others)."""
    return visible(user, Topic.objects.exclude(state=Topic.State.MERGED)).select_related(
        "area", "category"
    )


def needs_lists_for(user, *, staff: bool):
    """Staff see drafts too; everybody else the published lists."""
    return NeedsList.objects.order_by("-period_start") if staff else published_lists()


def published_lists():
    return NeedsList.objects.filter(state=NeedsList.State.PUBLISHED).order_by("-period_start")


def published_entries(needs_list: NeedsList):
    return (
        NeedsListEntry.objects.filter(needs_list=needs_list)
        .select_related("topic", "topic__area", "topic__area__parent", "topic__category")
        .order_by("rank")
    )


def published_list_entries(*, list_id: int | None = None, street: str = "", category: str = ""):
    """Entries of the latest published list (or list `list_id`), by street / category code."""
    lists_ = published_lists()
    chosen = lists_.filter(pk=list_id).first() if list_id else lists_.first()
    if chosen is None:
        return NeedsListEntry.objects.none()
    qs = published_entries(chosen).select_related("needs_list")
    if street:
        qs = qs.filter(Q(topic__area__parent__code=street) | Q(topic__area__code=street))
    if category:
        qs = qs.filter(
            Q(topic__category__code=category) | Q(topic__category__parent__code=category)
        )
    return qs


def topic_for_members(pk):
    """A topic by id for an organization's member (the view shows only its own rows)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Topic.objects.exclude(state=Topic.State.MERGED)
        .select_related("area", "category")
        .filter(pk=pk)
        .first()
    )
