"""The needs list of a period (P2): compile (incremental, idempotent) and publish.

Topics and purchase-service items have their own modules; their services are
re-exported here because callers know them as `lists.merge_topics`, ….
"""

import calendar
import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, Max, Q, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.models import User
from huitian.workflow import WorkflowError, move, record_creation
from procurement.error_codes import ErrorCode
from procurement.models import Need, NeedsList, NeedsListEntry, Topic
from procurement.services.purchase_items import promote_topic, update_purchase_item
from procurement.services.topics import (
    group_pending_needs,
    mark_topic_matched,
    mark_topic_reviewed,
    merge_topics,
    rename_topic,
    screen_public_text,
    screen_topic_titles,
    split_topic,
)

__all__ = [
    "compile_current_needs_list",
    "compile_needs_list",
    "group_pending_needs",
    "mark_topic_matched",
    "mark_topic_reviewed",
    "merge_topics",
    "period_containing",
    "promote_topic",
    "publish_needs_list",
    "rename_topic",
    "screen_public_text",
    "screen_topic_titles",
    "split_topic",
    "update_purchase_item",
]


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
    second run with nothing new changes nothing. A published list is frozen. A draft's
    entries are ordered by their score (`NeedsListEntry.Meta.ordering`); the ranks are
    numbered once, when the list is published (`_number_ranks`): a day's needs lift a
    few topics, and renumbering every entry below them was most of an incremental
    compile.
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
            changed = None
        else:
            since = lst.compiled_at
            changed = set(
                Need.objects.filter(created_at__gte=lo, created_at__lt=hi)
                .filter(Q(updated_at__gte=since) | Q(grouped_at__gte=since))
                .exclude(topic__isnull=True)
                .order_by()  # (else Meta.ordering's columns join the DISTINCT)
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
        if connection.vendor == "postgresql":
            _write_entries(lst, agg, changed, period_start=period_start, period_end=period_end)
        else:
            if changed is None:
                NeedsListEntry.objects.filter(needs_list=lst).delete()
            else:
                kept = set(agg.values_list("topic_id", flat=True))
                NeedsListEntry.objects.filter(needs_list=lst, topic_id__in=changed - kept).delete()
            _upsert_entries(lst, agg, period_start=period_start, period_end=period_end)
        entries = NeedsListEntry.objects.filter(needs_list=lst)
        if changed is not None:
            entries = entries.filter(topic_id__in=changed)
        screen_topic_titles(entries.values_list("topic_id", flat=True))
        NeedsList.objects.filter(pk=lst.pk).update(compiled_at=started)
        lst.compiled_at = started
    return lst


def _score_sql(end, days) -> tuple[str, list]:
    """score = residents + 0.5 × (urgency − 1) + recency / 2, where recency runs
    from 1 (a need on the period's last day) down to 0 (its first day):
    residents dominate, urgency and recency order close calls."""
    if connection.vendor == "postgresql":
        age = "EXTRACT(EPOCH FROM (%s::timestamptz - a.last)) / 86400.0"
        recency = f"GREATEST(0, LEAST(1, 1 - ({age}) / %s))"
    else:
        age = "(julianday(%s) - julianday(a.last))"
        recency = f"MAX(0, MIN(1, 1 - ({age}) / %s))"
    return f"ROUND(CAST(a.residents + 0.5 * (a.u - 1) + {recency} / 2.0 AS NUMERIC), 3)", [
        end,
        days,
    ]


def _upsert_entries(lst: NeedsList, agg, *, period_start, period_end) -> None:
    """INSERT … SELECT the aggregate into the list's entries (databases other than PostgreSQL)."""
    table = NeedsListEntry._meta.db_table
    agg_sql, agg_params = agg.query.sql_with_params()
    score, score_params = _score_sql(
        _bounds(period_end, period_end)[1], (period_end - period_start).days + 1
    )
    sql = f"""
        INSERT INTO {table} (needs_list_id, topic_id, rank, need_count, resident_count,
                             max_urgency, last_need_at, score)
        SELECT %s, a.topic_id, 0, a.n, a.residents, a.u, a.last, {score}
        FROM ({agg_sql}) AS a
        WHERE 1 = 1
        ON CONFLICT (needs_list_id, topic_id) DO UPDATE SET
            need_count = EXCLUDED.need_count, resident_count = EXCLUDED.resident_count,
            max_urgency = EXCLUDED.max_urgency, last_need_at = EXCLUDED.last_need_at,
            score = EXCLUDED.score
    """
    with connection.cursor() as cur:
        cur.execute(sql, [lst.pk, *score_params, *agg_params])


# The full aggregation reads most of the table: a sort of one sequential scan beats
# PostgreSQL's default plan (the topic_id index, fetching heap pages in topic order,
# 3.3x slower on the 1,000,000-need bench), given the memory to sort in.
FULL_SCAN_SETTINGS = {"work_mem": "128MB", "enable_indexscan": "off", "enable_bitmapscan": "off"}


def _write_entries(lst: NeedsList, agg, changed: set | None, *, period_start, period_end):
    """Aggregate, score, upsert and prune the entries in ONE statement (PostgreSQL).

    The aggregate (a CTE, computed once) feeds an UPDATE of the entries whose figures
    changed, an INSERT of the topics new to the list and a DELETE of the entries (of
    the changed topics, or all on a full compile) whose topic left it: set-based joins,
    no per-row conflict check, nothing rewritten that did not change.
    """
    table = NeedsListEntry._meta.db_table
    agg_sql, agg_params = agg.query.sql_with_params()
    score, score_params = _score_sql(
        _bounds(period_end, period_end)[1], (period_end - period_start).days + 1
    )
    figures = ["need_count", "resident_count", "max_urgency", "last_need_at", "score"]
    scope, scope_params = (
        ("", []) if changed is None else ("AND e.topic_id = ANY(%s)", [list(changed)])
    )
    cols = ", ".join(figures)
    values = f"{score}, a.n, a.residents, a.u, a.last"
    if changed is None and not NeedsListEntry.objects.filter(needs_list=lst).exists():
        # The list's first compile: nothing to compare with, a plain INSERT … SELECT (no
        # anti-join for the planner to misjudge on an empty table).
        sql = f"""
            INSERT INTO {table} (needs_list_id, topic_id, rank, score, need_count,
                                 resident_count, max_urgency, last_need_at)
            SELECT %s, a.topic_id, 0, {values} FROM ({agg_sql}) AS a
        """
        _execute(sql, [lst.pk, *score_params, *agg_params], FULL_SCAN_SETTINGS)
        return
    sql = f"""
        WITH a AS MATERIALIZED ({agg_sql}),
        s AS MATERIALIZED (
            SELECT a.topic_id, a.n AS need_count, a.residents AS resident_count,
                   a.u AS max_urgency, a.last AS last_need_at, {score} AS score FROM a
        ),
        changed AS (
            UPDATE {table} AS t SET ({cols}) = ROW({", ".join(f"s.{c}" for c in figures)})
            FROM s
            WHERE t.needs_list_id = %s AND t.topic_id = s.topic_id
              AND ({", ".join(f"t.{c}" for c in figures)})
                  IS DISTINCT FROM ({", ".join(f"s.{c}" for c in figures)})
            RETURNING 1
        ),
        added AS (
            INSERT INTO {table} (needs_list_id, topic_id, rank, {cols})
            SELECT %s, s.topic_id, 0, {", ".join(f"s.{c}" for c in figures)}
            FROM s
            WHERE NOT EXISTS (
                SELECT 1 FROM {table} AS e WHERE e.needs_list_id = %s AND e.topic_id = s.topic_id
            )
            RETURNING 1
        )
        DELETE FROM {table} AS e
        WHERE e.needs_list_id = %s {scope}
          AND NOT EXISTS (SELECT 1 FROM a WHERE a.topic_id = e.topic_id)
    """
    params = [*agg_params, *score_params, lst.pk, lst.pk, lst.pk, lst.pk, *scope_params]
    _execute(sql, params, FULL_SCAN_SETTINGS if changed is None else {})


def _execute(sql: str, params: list, settings_: dict) -> None:
    with connection.cursor() as cur:
        for name, value in settings_.items():
            cur.execute(f"SET LOCAL {name} = '{value}'")
        cur.execute(sql, params)
        for name in settings_:  # (a failed statement rolls the SET LOCAL back with it)
            cur.execute(f"RESET {name}")


def _number_ranks(lst: NeedsList) -> None:
    """Number the entries 1, 2, … in the list's order: once, as the list is published."""
    table = NeedsListEntry._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"""UPDATE {table} SET rank = r.n FROM (
                  SELECT id, ROW_NUMBER() OVER (
                      ORDER BY score DESC, last_need_at DESC, topic_id) AS n
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
        raise WorkflowError(ErrorCode.ALREADY_PUBLISHED, _("This list is already published."))
    if lst.compiled_at is None:
        raise WorkflowError(ErrorCode.NOT_COMPILED, _("Compile the list before publishing it."))
    # Titles edited since the last compile are screened again before they go public.
    screen_topic_titles(lst.entries.values_list("topic_id", flat=True))
    _number_ranks(lst)
    lst.published_at, lst.published_by = timezone.now(), by
    move(lst, NeedsList.FLOW["publish"], by=by, also=["published_at", "published_by"])
    return lst
