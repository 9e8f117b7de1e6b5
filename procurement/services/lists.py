"""Topics and the needs list (P2): grouping, merge/split, compile, publish, promote."""

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import CharField, Count, Max, Q, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, User
from huitian.privacy import ID_NUMBER, PHONE, ROOM, mask_personal_data
from huitian.sweep import claim_batch
from huitian.workflow import WorkflowError, record_creation
from procurement.models import Need, NeedsList, NeedsListEntry, PurchaseItem, Topic
from procurement.services.transitions import take_step, take_step_in_bulk
from procurement.text import similarity, tokenize

SIMILARITY_THRESHOLD = 0.3
# A topic older than this takes no new needs: the same complaint a year later is a new topic.
TOPIC_WINDOW_DAYS = 120


# --- Personal data in public titles ------------------------------------------
def _kind_names() -> dict[str, str]:
    return {PHONE: _("phone number"), ID_NUMBER: _("ID number"), ROOM: _("room number")}


def screen_public_text(text: str) -> tuple[str, str]:
    """(text with personal data masked, the reason to review it, or "" when clean)."""
    masked = mask_personal_data(text)
    if not masked.changed:
        return text, ""
    names = _kind_names()
    reason = _("Personal data was masked: %(kinds)s. Check the title before publishing.") % {
        "kinds": "、".join(names[k] for k in masked.found)
    }
    return masked.text, reason[:200]


def screen_topic_titles(topic_ids) -> int:
    """Mask personal data in these topics' titles and flag them for review. Idempotent."""
    flagged = []
    for topic in Topic.objects.filter(pk__in=list(topic_ids)).only("pk", "title"):
        title, reason = screen_public_text(topic.title)
        if reason:
            topic.title, topic.needs_review, topic.review_reason = title, True, reason
            flagged.append(topic)
    if flagged:
        Topic.objects.bulk_update(flagged, ["title", "needs_review", "review_reason"])
    return len(flagged)


# --- Grouping -----------------------------------------------------------------
def group_pending_needs(batch_size: int = 500) -> int:
    """The sweeper: tokenise and group needs whose `grouped_at` is NULL. Idempotent."""
    with transaction.atomic():
        ids = claim_batch(Need.objects.filter(grouped_at__isnull=True), batch_size=batch_size)
        needs = list(
            Need.objects.filter(pk__in=ids).select_related("community").order_by("created_at", "pk")
        )
        _group(needs)
    return len(needs)


def _candidate_topics(need: Need, cache) -> list[Topic]:
    key = (need.community_id, need.category_id)
    if key not in cache:
        since = need.created_at - datetime.timedelta(days=TOPIC_WINDOW_DAYS)
        cache[key] = list(
            Topic.objects.filter(
                Q(area_id=need.community_id) | Q(area_id=need.community.parent_id),
                category_id=need.category_id,
                state=Topic.State.OPEN,
                last_need_at__gte=since,
            ).order_by("-need_count", "pk")[:200]
        )
    return cache[key]


def _group(needs: list[Need]) -> None:
    """Choose a topic for each need in memory, then write in a few statements.

    New topics are bulk-inserted, needs bulk-updated, and the counters of every
    touched topic recomputed from its needs in one UPDATE (so a retry or a
    concurrent merge never leaves a counter off by one).
    """
    if not needs:
        return
    now = timezone.now()
    cache: dict[tuple[int, int], list[Topic]] = {}
    new_topics: list[Topic] = []
    chosen: list[tuple[Need, Topic]] = []
    for need in needs:
        if not need.tokens:
            need.tokens = " ".join(tokenize(f"{need.title} {need.text}"))
        mine = set(need.tokens.split())
        best, best_score = None, 0.0
        for topic in _candidate_topics(need, cache):
            if not hasattr(topic, "_token_set"):
                topic._token_set = set(topic.tokens.split())
            score = similarity(mine, topic._token_set)
            if score > best_score:
                best, best_score = topic, score
        if best is None or best_score < SIMILARITY_THRESHOLD:
            title, reason = screen_public_text(need.title[:120])
            best = Topic(
                area_id=need.community_id,
                category_id=need.category_id,
                title=title,
                needs_review=bool(reason),
                review_reason=reason,
                tokens=need.tokens,
                max_urgency=need.urgency,
                last_need_at=need.created_at,
                created_at=now,
                changed_at=now,
            )
            best._token_set = mine
            new_topics.append(best)
            cache[(need.community_id, need.category_id)].append(best)
        chosen.append((need, best))
    Topic.objects.bulk_create(new_topics, batch_size=500)
    for need, topic in chosen:
        need.topic_id, need.grouped_at = topic.pk, now
    Need.objects.bulk_update(
        [n for n, _t in chosen], ["tokens", "topic", "grouped_at"], batch_size=500
    )
    _refresh_topics({t.pk for _n, t in chosen}, now=now)


def _refresh_topics(topic_ids, *, now=None) -> None:
    """Recount topics from their needs (one UPDATE with correlated subqueries)."""
    if not topic_ids:
        return
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce as _Coalesce

    of_topic = Need.objects.filter(topic_id=OuterRef("pk")).order_by().values("topic_id")
    Topic.objects.filter(pk__in=list(topic_ids)).update(
        need_count=_Coalesce(Subquery(of_topic.annotate(n=Count("pk")).values("n")), 0),
        max_urgency=_Coalesce(Subquery(of_topic.annotate(u=Max("urgency")).values("u")), 1),
        last_need_at=Subquery(of_topic.annotate(m=Max("created_at")).values("m")),
        changed_at=now or timezone.now(),
    )


def _refresh_topic(topic_id: int) -> None:
    _refresh_topics({topic_id})


@transaction.atomic
def merge_topics(*, into_id: int, other_ids: list[int], by: User) -> Topic:
    """Staff merge duplicates: the needs of `other_ids` move into `into_id`."""
    topics = {
        t.pk: t
        for t in Topic.objects.select_for_update(of=("self",))
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
        if topic.state == Topic.State.MERGED:
            raise WorkflowError("topic_merged", _("This topic was merged into another one."))
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
    take_step_in_bulk(
        Topic.objects.filter(pk__in=ids),
        Topic.FLOW["merge"],
        by=by,
        note=_("Merged into “%(title)s” (#%(pk)d).") % {"title": target.title, "pk": target.pk},
        changes={"merged_into": target, "need_count": 0, "changed_at": timezone.now()},
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
    safe_title, reason = screen_public_text((title or needs[0].title)[:120])
    new = Topic.objects.create(
        area=topic.area,
        category=topic.category,
        title=safe_title,
        needs_review=bool(reason),
        review_reason=reason,
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


def compile_needs_list(
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    full: bool = False,
    group_first: bool = True,
    by: User | None = None,
) -> NeedsList:
    """Compile (or bring up to date) the list of a period. Incremental and idempotent.

    Only topics whose needs changed since the last compile are re-aggregated; a
    second run with nothing new changes nothing. A published list is frozen.
    A person (`by`) compiles only if they may publish lists; the beat task passes nobody.
    """
    if by is not None:
        require(by, "procurement.publish_list")
    if group_first:
        while group_pending_needs(1000):
            pass
    lst, created = NeedsList.objects.get_or_create(period_start=period_start, period_end=period_end)
    if created:
        record_creation(lst, by=by, state=lst.state, step="compile")
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
        if changed is not None:
            kept = set(agg.values_list("topic_id", flat=True))
            NeedsListEntry.objects.filter(needs_list=lst, topic_id__in=changed - kept).delete()
        _upsert_entries(lst, agg, period_start=period_start, period_end=period_end)
        _rank(lst)
        entries = NeedsListEntry.objects.filter(needs_list=lst)
        if changed is not None:
            entries = entries.filter(topic_id__in=changed)
        screen_topic_titles(entries.values_list("topic_id", flat=True))
        NeedsList.objects.filter(pk=lst.pk).update(compiled_at=started)
        lst.compiled_at = started
    return lst


def _upsert_entries(lst: NeedsList, agg, *, period_start, period_end) -> None:
    """INSERT … SELECT the aggregate into the list's entries, in the database.

    score = residents + 0.5 × (urgency − 1) + recency / 2, where recency runs
    from 1 (a need on the period's last day) down to 0 (its first day):
    residents dominate, urgency and recency order close calls.
    """
    table = NeedsListEntry._meta.db_table
    agg_sql, agg_params = agg.query.sql_with_params()
    days = (period_end - period_start).days + 1
    end = _bounds(period_end, period_end)[1]
    if connection.vendor == "postgresql":
        age = "EXTRACT(EPOCH FROM (%s::timestamptz - a.last)) / 86400.0"
        recency = f"GREATEST(0, LEAST(1, 1 - ({age}) / %s))"
    else:
        age = "(julianday(%s) - julianday(a.last))"
        recency = f"MAX(0, MIN(1, 1 - ({age}) / %s))"
    sql = f"""
        INSERT INTO {table} (needs_list_id, topic_id, rank, need_count, resident_count,
                             max_urgency, last_need_at, score)
        SELECT %s, a.topic_id, 0, a.n, a.residents, a.u, a.last,
               ROUND(CAST(a.residents + 0.5 * (a.u - 1) + {recency} / 2.0 AS NUMERIC), 3)
        FROM ({agg_sql}) AS a
        WHERE 1 = 1
        ON CONFLICT (needs_list_id, topic_id) DO UPDATE SET
            need_count = EXCLUDED.need_count, resident_count = EXCLUDED.resident_count,
            max_urgency = EXCLUDED.max_urgency, last_need_at = EXCLUDED.last_need_at,
            score = EXCLUDED.score
    """
    with connection.cursor() as cur:
        cur.execute(sql, [lst.pk, end, days, *agg_params])


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
    # Titles edited since the last compile are screened again before they go public.
    screen_topic_titles(lst.entries.values_list("topic_id", flat=True))
    lst.published_at, lst.published_by = timezone.now(), by
    take_step(lst, NeedsList.FLOW["publish"], by=by, update_fields=["published_at", "published_by"])
    return lst


def _positive_budget(value) -> Decimal:
    try:
        budget = Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        budget = Decimal(0)
    if not budget.is_finite() or budget <= 0:
        raise WorkflowError(
            "invalid_budget",
            _("Give a positive budget."),
            fields={"estimated_budget": [_("Must be above zero.")]},
        )
    return budget.quantize(Decimal("0.01"))


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
    budget = _positive_budget(estimated_budget)
    item = PurchaseItem(
        topic=topic,
        title=screen_public_text((title or topic.title)[:120])[0],
        estimated_budget=budget,
        service_standard=service_standard,
        created_by=by,
    )
    item.full_clean()
    item._history_user = by
    item.save()
    record_creation(item, by=by, state=item.state, step="promote")
    return item


@transaction.atomic
def update_purchase_item(
    *, item_id: int, by: User, title: str, estimated_budget: Decimal, service_standard: str
) -> PurchaseItem:
    """Staff correct an item's title, budget or standard (its state moves only by steps)."""
    item = PurchaseItem.objects.select_for_update().select_related("topic").get(pk=item_id)
    require(by, "procurement.edit_topic", item.topic)
    item.estimated_budget = _positive_budget(estimated_budget)
    item.title = screen_public_text((title or "").strip()[:120])[0]
    item.service_standard = service_standard
    item.full_clean()
    item._history_user = by
    item.save(update_fields=["title", "estimated_budget", "service_standard"])
    return item


@transaction.atomic
def rename_topic(*, topic_id: int, by: User, title: str) -> Topic:
    """Staff retitle a topic; personal data is masked and keeps the topic flagged."""
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    require(by, "procurement.edit_topic", topic)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the topic a title.")})
    topic.title, topic.review_reason = screen_public_text(title.strip())
    # A person wrote this title: it needs another look only if it still carried personal data.
    topic.needs_review = bool(topic.review_reason)
    topic.changed_at = timezone.now()
    topic.full_clean(exclude=["merged_into"])
    topic._history_user = by
    topic.save(update_fields=["title", "needs_review", "review_reason", "changed_at"])
    return topic


@transaction.atomic
def mark_topic_reviewed(*, topic_id: int, by: User) -> Topic:
    """The publisher has read the masked title and lets it go public as it is."""
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    require(by, "procurement.edit_topic", topic)
    topic.needs_review, topic.review_reason = False, ""
    topic._history_user = by
    topic.save(update_fields=["needs_review", "review_reason"])
    return topic


def mark_topic_matched(
    *, topic_id: int, by: User, purchase_item_id: int | None = None, note: str = ""
) -> None:
    """The "matched" step of a topic (and its purchase item), with transition rows.

    Called by `confirm_match` inside its transaction; a topic already matched to
    another organization records one more "match" step.
    """
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    topic.changed_at = timezone.now()
    take_step(topic, Topic.FLOW["match"], by=by, note=note, update_fields=["changed_at"])
    if purchase_item_id:
        item = PurchaseItem.objects.select_for_update().get(pk=purchase_item_id)
        take_step(item, PurchaseItem.FLOW["match"], by=by, note=note)
