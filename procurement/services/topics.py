"""Topics (P2): grouping needs, merge and split, the matched step. Titles fit to publish
live in `titles.py` (re-exported here: callers know them as `topics.screen_…`)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import Area, User
from huitian.sweep import claim_batch
from huitian.workflow import WorkflowError, move, move_many
from procurement.error_codes import ErrorCode
from procurement.models import Need, PurchaseItem, Topic
from procurement.services.titles import screen_public_text, screen_topic_titles
from procurement.text import similarity, tokenize

__all__ = [
    "group_pending_needs",
    "mark_topic_matched",
    "mark_topic_reviewed",
    "merge_topics",
    "rename_topic",
    "screen_public_text",
    "screen_topic_titles",
    "split_topic",
]

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
        _group(needs)
    return len(needs)


class _Candidate:
    """An open topic as grouping compares against it: its id and its tokens."""

    __slots__ = ("_token_set", "pk")

    def __init__(self, pk: int, tokens: str):
        self.pk, self._token_set = pk, set(tokens.split())


# Per (community, category): the open topics of the community or its street, of that
# category, with a need in the window before the first such need of the batch; the
# 200 largest. One statement for the whole batch (a LATERAL per key), not one per key.
_CANDIDATES_SQL = """
    SELECT k.n, t.id, t.tokens
    FROM unnest(%s::int[], %s::bigint[], %s::bigint[], %s::bigint[], %s::timestamptz[])
         AS k (n, community, street, category, since)
    CROSS JOIN LATERAL (
        SELECT c.id, c.tokens, c.need_count FROM {table} AS c
        WHERE (c.area_id = k.community OR c.area_id = k.street
               OR (k.street IS NULL AND c.area_id IS NULL))
          AND c.category_id = k.category AND c.state = %s AND c.last_need_at >= k.since
        ORDER BY c.need_count DESC, c.id
        LIMIT {limit}
    ) AS t
    ORDER BY k.n, t.need_count DESC, t.id
"""
CANDIDATE_LIMIT = 200


def _candidate_topics(needs: list[Need]) -> dict[tuple[int, int], list]:
    """The candidate topics of every (community, category) of a batch, read at once.

    The window of a key starts TOPIC_WINDOW_DAYS before the first of its needs (the
    batch is in `created_at` order), as when each key was read on its first need.
    """
    first: dict[tuple[int, int], Need] = {}
    for need in needs:
        first.setdefault((need.community_id, need.category_id), need)
    keys = list(first)
    out: dict[tuple[int, int], list] = {key: [] for key in keys}
    window = datetime.timedelta(days=TOPIC_WINDOW_DAYS)
    if connection.vendor != "postgresql":
        for key, need in first.items():
            out[key] = [
                _Candidate(pk, tokens)
                for pk, tokens in Topic.objects.filter(
                    Q(area_id=need.community_id) | Q(area_id=need.community.parent_id),
                    category_id=need.category_id,
                    state=Topic.State.OPEN,
                    last_need_at__gte=need.created_at - window,
                )
                .order_by("-need_count", "pk")
                .values_list("pk", "tokens")[:CANDIDATE_LIMIT]
            ]
        return out
    sql = _CANDIDATES_SQL.format(table=Topic._meta.db_table, limit=CANDIDATE_LIMIT)
    params = [
        list(range(len(keys))),
        [first[k].community_id for k in keys],
        [first[k].community.parent_id for k in keys],
        [first[k].category_id for k in keys],
        [first[k].created_at - window for k in keys],
        Topic.State.OPEN,
    ]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for n, pk, tokens in cur.fetchall():
            out[keys[n]].append(_Candidate(pk, tokens))
    return out


def _group(needs: list[Need]) -> None:
    """Choose a topic for each need in memory, then write in a few statements.

    New topics are bulk-inserted, needs bulk-updated, and the counters of every
    touched topic recomputed from its needs in one UPDATE (so a retry or a
    concurrent merge never leaves a counter off by one).
    """
    if not needs:
        return
    now = timezone.now()
    cache = _candidate_topics(needs)
    new_topics: list[Topic] = []
    chosen: list[tuple[Need, Topic]] = []
    for need in needs:
        if not need.tokens:
            need.tokens = " ".join(tokenize(f"{need.title} {need.text}"))
        mine = set(need.tokens.split())
        best, best_score = None, 0.0
        for topic in cache[(need.community_id, need.category_id)]:
            score = similarity(mine, topic._token_set)
            if score > best_score:
                best, best_score = topic, score
        if best is None or best_score < SIMILARITY_THRESHOLD:
            title, reason = screen_public_text(need.title[:120])
            best = Topic(
                area_id=need.community_id,
                category_id=need.category_id,
                title=title,
                screened_title=title,
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
    _write_grouping([n for n, _t in chosen], now=now)
    _refresh_topics({t.pk for _n, t in chosen}, now=now)


def _write_grouping(needs: list[Need], *, now) -> None:
    """Tokens, topic and grouped_at of a batch: one `UPDATE … FROM (VALUES …)` per 1000.

    (Django's bulk_update builds a CASE WHEN per row and column: the profile showed it
    costing more than the grouping itself.) Like bulk_update, no history row and no
    `updated_at` change: grouping is bookkeeping, not an edit of the need.
    """
    if connection.vendor != "postgresql":
        Need.objects.bulk_update(needs, ["tokens", "topic", "grouped_at"], batch_size=500)
        return
    table = Need._meta.db_table
    with connection.cursor() as cur:
        for i in range(0, len(needs), 1000):
            chunk = needs[i : i + 1000]
            values = ", ".join(["(%s::bigint, %s::text, %s::bigint)"] * len(chunk))
            params = [now]
            for n in chunk:
                params += [n.pk, n.tokens, n.topic_id]
            cur.execute(
                f"""UPDATE {table} AS n SET tokens = v.tokens, topic_id = v.topic_id,
                           grouped_at = %s
                    FROM (VALUES {values}) AS v (id, tokens, topic_id) WHERE n.id = v.id""",
                params,
            )


def _refresh_topics(topic_ids, *, now=None) -> None:
    """Recount topics from their needs (one UPDATE with correlated subqueries)."""
    if not topic_ids:
        return
    of_topic = Need.objects.filter(topic_id=OuterRef("pk")).order_by().values("topic_id")
    Topic.objects.filter(pk__in=list(topic_ids)).update(
        need_count=Coalesce(Subquery(of_topic.annotate(n=Count("pk")).values("n")), 0),
        max_urgency=Coalesce(Subquery(of_topic.annotate(u=Max("urgency")).values("u")), 1),
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
            ErrorCode.NOTHING_TO_MERGE, _("Choose a topic and at least one other to merge into it.")
        )
    for topic in [target, *others]:
        require(by, "procurement.edit_topic", topic)
        if topic.state == Topic.State.MERGED:
            raise WorkflowError(
                ErrorCode.TOPIC_MERGED, _("This topic was merged into another one.")
            )
        if topic.category_id != target.category_id:
            raise WorkflowError(
                ErrorCode.CATEGORY_MISMATCH, _("Only topics of the same category can be merged.")
            )
    areas = {t.area_id for t in [target, *others]}
    if len(areas) > 1:
        # Topics from several communities of one street become a street topic.
        streets = {
            t.area.parent_id if t.area.level == Area.Level.COMMUNITY else t.area_id
            for t in [target, *others]
        }
        if len(streets) > 1:
            raise WorkflowError(
                ErrorCode.AREA_MISMATCH, _("Only topics of the same street can be merged.")
            )
        target.area_id = streets.pop()
    ids = [t.pk for t in others]
    Need.objects.filter(topic_id__in=ids).update(topic=target)
    tokens = set(target.tokens.split())
    for topic in others:
        tokens |= set(topic.tokens.split())
    move_many(
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
        raise WorkflowError(
            ErrorCode.BAD_SPLIT, _("Choose some, but not all, of the topic's needs.")
        )
    tokens = set()
    for n in needs:
        tokens |= set(n.tokens.split())
    safe_title, reason = screen_public_text((title or needs[0].title)[:120])
    new = Topic.objects.create(
        area=topic.area,
        category=topic.category,
        title=safe_title,
        screened_title=safe_title,
        needs_review=bool(reason),
        review_reason=reason,
        tokens=" ".join(sorted(tokens)),
    )
    Need.objects.filter(pk__in=[n.pk for n in needs]).update(topic=new)
    _refresh_topic(topic.pk)
    _refresh_topic(new.pk)
    new.refresh_from_db()
    return new


@transaction.atomic
def rename_topic(*, topic_id: int, by: User, title: str) -> Topic:
    """Staff retitle a topic; personal data is masked and keeps the topic flagged."""
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    require(by, "procurement.edit_topic", topic)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the topic a title.")})
    topic.title, topic.review_reason = screen_public_text(title.strip())
    topic.screened_title = topic.title
    # A person wrote this title: it needs another look only if it still carried personal data.
    topic.needs_review = bool(topic.review_reason)
    topic.changed_at = timezone.now()
    topic.full_clean(exclude=["merged_into"])
    topic._history_user = by
    topic.save(
        update_fields=["title", "screened_title", "needs_review", "review_reason", "changed_at"]
    )
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
    move(topic, Topic.FLOW["match"], by=by, note=note, also=["changed_at"])
    if purchase_item_id:
        item = PurchaseItem.objects.select_for_update().get(pk=purchase_item_id)
        move(item, PurchaseItem.FLOW["match"], by=by, note=note)
