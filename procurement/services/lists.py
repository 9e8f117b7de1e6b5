"""Topics and the needs list (P2): grouping, merge/split, compile, publish, promote."""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, F, Max, Q, Value
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, User
from huitian.sweep import claim_batch
from huitian.workflow import WorkflowError
from procurement.models import Need, NeedsList, NeedsListEntry, PurchaseItem, Topic
from procurement.text import similarity, tokenize

SIMILARITY_THRESHOLD = 0.3
# A topic older than this takes no new needs: the same complaint a year later is a new topic.
TOPIC_WINDOW_DAYS = 120


# --- Grouping -----------------------------------------------------------------
def group_pending_needs(batch_size: int = 500) -> int:
    """The sweeper: tokenise and group needs whose `grouped_at` is NULL. Idempotent."""
    with transaction.atomic():
        ids = claim_batch(Need.objects.filter(grouped_at__isnull=True), batch_size=batch_size)
        needs = list(
            Need.objects.filter(pk__in=ids).select_related("community").order_by("created_at", "pk")
        )
        cache: dict[tuple[int, int], list[Topic]] = {}
        for need in needs:
            _group_one(need, cache)
    return len(needs)


def group_need_now(need_id: int) -> bool:
    """The fast path after submission (Celery); the sweep does the same if this never runs."""
    with transaction.atomic():
        need = (
            Need.objects.select_for_update(
                skip_locked=connection.features.has_select_for_update_skip_locked
            )
            .filter(pk=need_id, grouped_at__isnull=True)
            .first()
        )
        if need is None:
            return False
        _group_one(need, {})
    return True


def _candidate_topics(need: Need, cache) -> list[Topic]:
    key = (need.community_id, need.category_id)
    if key not in cache:
        since = need.created_at - datetime.timedelta(days=TOPIC_WINDOW_DAYS)
        street_id = need.community.parent_id if hasattr(need, "community") else None
        cache[key] = list(
            Topic.objects.filter(
                Q(area_id=need.community_id) | Q(area_id=street_id),
                category_id=need.category_id,
                state=Topic.State.OPEN,
                last_need_at__gte=since,
            ).order_by("-need_count", "pk")[:200]
        )
    return cache[key]


def _group_one(need: Need, cache) -> None:
    if not need.tokens:
        need.tokens = " ".join(tokenize(f"{need.title} {need.text}"))
    mine = set(need.tokens.split())
    best, best_score = None, 0.0
    for topic in _candidate_topics(need, cache):
        score = similarity(mine, set(topic.tokens.split()))
        if score > best_score:
            best, best_score = topic, score
    now = timezone.now()
    if best is None or best_score < SIMILARITY_THRESHOLD:
        best = Topic.objects.create(
            area_id=need.community_id,
            category_id=need.category_id,
            title=need.title[:120],
            tokens=need.tokens,
            need_count=0,
            max_urgency=need.urgency,
            last_need_at=need.created_at,
            created_at=now,
        )
        cache.setdefault((need.community_id, need.category_id), []).append(best)
    Topic.objects.filter(pk=best.pk).update(
        need_count=F("need_count") + 1,
        max_urgency=Greatest(F("max_urgency"), Value(need.urgency)),
        last_need_at=Greatest(
            Coalesce(F("last_need_at"), Value(need.created_at)), Value(need.created_at)
        ),
        changed_at=now,
    )
    best.need_count += 1
    Need.objects.filter(pk=need.pk).update(tokens=need.tokens, topic=best, grouped_at=now)


def _refresh_topic(topic_id: int) -> None:
    agg = Need.objects.filter(topic_id=topic_id).aggregate(
        n=Count("pk"), u=Max("urgency"), last=Max("created_at")
    )
    Topic.objects.filter(pk=topic_id).update(
        need_count=agg["n"],
        max_urgency=agg["u"] or 1,
        last_need_at=agg["last"],
        changed_at=timezone.now(),
    )


@transaction.atomic
def merge_topics(*, into_id: int, other_ids: list[int], by: User) -> Topic:
    """Staff merge duplicates: the needs of `other_ids` move into `into_id`."""
    topics = {
        t.pk: t
        for t in Topic.objects.select_for_update()
        .select_related("area")
        .filter(pk__in=[into_id, *other_ids])
    }
    target = topics.get(into_id)
    others = [topics[i] for i in other_ids if i in topics and i != into_id]
    if target is None or not others:
        raise WorkflowError(
            "nothing_to_merge", _("Choose a topic and at least one other to merge into it.")
        )
    for topic in [target, *others]:
        require(by, "procurement.edit_topic", topic)
        if topic.category_id != target.category_id:
            raise WorkflowError(
                "category_mismatch", _("Only topics of the same category can be merged.")
            )
    areas = {t.area_id for t in [target, *others]}
    if len(areas) > 1:
        # Topics from several communities of one street become a street topic.
        streets = {
            t.area.parent_id if t.area.level == Area.Level.COMMUNITY else t.area_id
            for t in [target, *others]
        }
        if len(streets) > 1:
            raise WorkflowError("area_mismatch", _("Only topics of the same street can be merged."))
        target.area_id = streets.pop()
    ids = [t.pk for t in others]
    Need.objects.filter(topic_id__in=ids).update(topic=target)
    tokens = set(target.tokens.split())
    for topic in others:
        tokens |= set(topic.tokens.split())
    Topic.objects.filter(pk__in=ids).update(
        state=Topic.State.MERGED, merged_into=target, need_count=0, changed_at=timezone.now()
    )
    target.tokens = " ".join(sorted(tokens))
    target.save(update_fields=["area", "tokens"])
    _refresh_topic(target.pk)
    target.refresh_from_db()
    return target


@transaction.atomic
def split_topic(*, topic_id: int, need_ids: list[int], by: User, title: str = "") -> Topic:
    """Staff move some needs out of a topic into a new one."""
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    require(by, "procurement.edit_topic", topic)
    needs = list(Need.objects.filter(topic=topic, pk__in=need_ids))
    if not needs or len(needs) == topic.need_count:
        raise WorkflowError("bad_split", _("Choose some, but not all, of the topic's needs."))
    tokens = set()
    for n in needs:
        tokens |= set(n.tokens.split())
    new = Topic.objects.create(
        area=topic.area,
        category=topic.category,
        title=(title or needs[0].title)[:120],
        tokens=" ".join(sorted(tokens)),
    )
    Need.objects.filter(pk__in=[n.pk for n in needs]).update(topic=new)
    _refresh_topic(topic.pk)
    _refresh_topic(new.pk)
    new.refresh_from_db()
    return new


# --- Periods and compile ------------------------------------------------------
def period_containing(
    day: datetime.date, kind: str | None = None
) -> tuple[datetime.date, datetime.date]:
    kind = kind or getattr(settings, "PROCUREMENT_LIST_PERIOD", "monthly")
    if kind == "weekly":
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    if kind == "quarterly":
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = day.replace(month=first_month, day=1)
        last_month = first_month + 2
        return start, day.replace(
            month=last_month, day=calendar.monthrange(day.year, last_month)[1]
        )
    start = day.replace(day=1)
    return start, day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    lo = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    hi = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return lo, hi


def entry_score(
    *, residents: int, urgency: int, last_need_at, period_end: datetime.date, days: int
) -> Decimal:
    """Residents first, then urgency, then recency within the period (documented on the page)."""
    end = _bounds(period_end, period_end)[1]
    age = max(0.0, (end - last_need_at).total_seconds() / 86400.0) if last_need_at else days
    recency = max(0.0, 1.0 - age / max(days, 1))
    return Decimal(residents) + Decimal(2 * (urgency - 1)) + Decimal(str(round(recency, 3)))


def compile_needs_list(
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    full: bool = False,
    group_first: bool = True,
) -> NeedsList:
    """Compile (or bring up to date) the list of a period. Incremental and idempotent.

    Only topics whose needs changed since the last compile are re-aggregated; a
    second run with nothing new changes nothing. A published list is frozen.
    """
    if group_first:
        while group_pending_needs(1000):
            pass
    lst, _created = NeedsList.objects.get_or_create(
        period_start=period_start, period_end=period_end
    )
    if lst.state == NeedsList.State.PUBLISHED:
        return lst
    started = timezone.now()
    lo, hi = _bounds(period_start, period_end)
    in_period = Need.objects.filter(
        created_at__gte=lo, created_at__lt=hi, topic__isnull=False
    ).exclude(state=Need.State.REJECTED)
    with transaction.atomic():
        lst = NeedsList.objects.select_for_update().get(pk=lst.pk)
        if full or lst.compiled_at is None:
            NeedsListEntry.objects.filter(needs_list=lst).delete()
            changed = None
        else:
            since = lst.compiled_at
            changed = set(
                Need.objects.filter(created_at__gte=lo, created_at__lt=hi)
                .filter(Q(updated_at__gte=since) | Q(grouped_at__gte=since))
                .exclude(topic__isnull=True)
                .values_list("topic_id", flat=True)
                .distinct()
            )
            changed |= set(Topic.objects.filter(changed_at__gte=since).values_list("pk", flat=True))
            changed |= set(
                NeedsListEntry.objects.filter(
                    needs_list=lst, topic__changed_at__gte=since
                ).values_list("topic_id", flat=True)
            )
            if not changed:
                NeedsList.objects.filter(pk=lst.pk).update(compiled_at=started)
                lst.compiled_at = started
                return lst
        rows = in_period if changed is None else in_period.filter(topic_id__in=changed)
        resident = Coalesce(
            Cast("submitter_id", CharField()), NullIf("contact_phone", Value("")), "tracking_code"
        )
        agg = rows.values("topic_id").annotate(
            n=Count("pk"),
            residents=Count(resident, distinct=True),
            u=Max("urgency"),
            last=Max("created_at"),
        )
        days = (period_end - period_start).days + 1
        entries = [
            NeedsListEntry(
                needs_list=lst,
                topic_id=row["topic_id"],
                need_count=row["n"],
                resident_count=row["residents"],
                max_urgency=row["u"],
                last_need_at=row["last"],
                score=entry_score(
                    residents=row["residents"],
                    urgency=row["u"],
                    last_need_at=row["last"],
                    period_end=period_end,
                    days=days,
                ),
            )
            for row in agg.iterator(chunk_size=5000)
        ]
        if changed is not None:
            kept = {e.topic_id for e in entries}
            NeedsListEntry.objects.filter(needs_list=lst, topic_id__in=changed - kept).delete()
        NeedsListEntry.objects.bulk_create(
            entries,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["needs_list", "topic"],
            update_fields=["need_count", "resident_count", "max_urgency", "last_need_at", "score"],
        )
        _rank(lst)
        NeedsList.objects.filter(pk=lst.pk).update(compiled_at=started)
        lst.compiled_at = started
    return lst


def _rank(lst: NeedsList) -> None:
    table = NeedsListEntry._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""UPDATE {table} SET rank = r.n FROM (
                  SELECT id, ROW_NUMBER() OVER (ORDER BY score DESC, last_need_at DESC, id) AS n
                  FROM {table} WHERE needs_list_id = %s) AS r
                WHERE {table}.id = r.id AND {table}.rank <> r.n""",
            [lst.pk],
        )


def compile_current_needs_list(*, today: datetime.date | None = None) -> NeedsList:
    start, end = period_containing(today or timezone.localdate())
    return compile_needs_list(period_start=start, period_end=end)


@transaction.atomic
def publish_needs_list(*, list_id: int, by: User) -> NeedsList:
    lst = NeedsList.objects.select_for_update().get(pk=list_id)
    require(by, "procurement.publish_list", lst)
    if lst.state == NeedsList.State.PUBLISHED:
        raise WorkflowError("already_published", _("This list is already published."))
    if lst.compiled_at is None:
        raise WorkflowError("not_compiled", _("Compile the list before publishing it."))
    lst.state, lst.published_at, lst.published_by = NeedsList.State.PUBLISHED, timezone.now(), by
    lst.save(update_fields=["state", "published_at", "published_by"])
    return lst


@transaction.atomic
def promote_topic(
    *, topic_id: int, by: User, estimated_budget: Decimal, service_standard: str, title: str = ""
) -> PurchaseItem:
    """Turn a topic into a purchase-service item (used by the purchases issue)."""
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    require(by, "procurement.edit_topic", topic)
    if topic.state == Topic.State.MERGED:
        raise WorkflowError("topic_merged", _("This topic was merged into another one."))
    if PurchaseItem.objects.filter(topic=topic).exists():
        raise WorkflowError("already_promoted", _("This topic is already a purchase-service item."))
    budget = Decimal(estimated_budget)
    if budget <= 0:
        raise WorkflowError(
            "invalid_budget",
            _("Give a positive budget."),
            fields={"estimated_budget": [_("Must be above zero.")]},
        )
    item = PurchaseItem(
        topic=topic,
        title=(title or topic.title)[:120],
        estimated_budget=budget.quantize(Decimal("0.01")),
        service_standard=service_standard,
        created_by=by,
    )
    item.full_clean()
    item.save()
    return item
