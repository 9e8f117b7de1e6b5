"""Suggest a need's category from its words, as the resident types (P1).

The same jieba tokens the grouping keeps on each need (`Need.tokens`) are counted per
category over the latest `SAMPLE` grouped needs; a text scores each category by the
sum, over its tokens, of how often the category's past needs used the token, weighed
by how rare the token is across categories (tf-idf), plus the words of the
category's own name and its group's name (so a category with no past needs yet can
still be found). The table is built once per `TTL` seconds per process.

A suggestion only preselects nothing: the resident picks (or keeps) the category.
"""

import math
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

from huitian.models import Category
from procurement.models import Need
from procurement.text import tokenize

SAMPLE = 20_000
TTL = 600
NAME_WEIGHT = 3.0
MAX_TEXT = 600
_lock = threading.Lock()
_table: tuple[float, "Table"] | None = None


@dataclass
class Table:
    counts: dict[int, Counter]  # category id → token → needs using it
    totals: dict[int, int]  # category id → needs counted
    spread: Counter  # token → categories using it
    names: dict[int, set[str]]  # category id → tokens of its name and group's name
    categories: dict[int, Category]


def _build() -> Table:
    categories = {
        c.pk: c
        for c in Category.objects.filter(is_active=True, parent__isnull=False).select_related(
            "parent"
        )
    }
    counts: dict[int, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    rows = (
        Need.objects.filter(category_id__in=categories, grouped_at__isnull=False)
        .exclude(tokens="")
        .order_by("-created_at")
        .values_list("category_id", "tokens")[:SAMPLE]
    )
    for category_id, tokens in rows.iterator(chunk_size=2000):
        counts[category_id].update(set(tokens.split()))
        totals[category_id] += 1
    names = {
        pk: set(tokenize(f"{c.name} {c.parent.name if c.parent else ''}")) | {c.name}
        for pk, c in categories.items()
    }
    spread: Counter = Counter()
    for pk in categories:
        spread.update(set(counts[pk]) | names[pk])
    return Table(dict(counts), dict(totals), spread, names, categories)


def table() -> Table:
    global _table
    now = time.monotonic()
    if _table is None or now - _table[0] > TTL:
        with _lock:
            if _table is None or now - _table[0] > TTL:
                _table = (now, _build())
    return _table[1]


def forget() -> None:
    global _table
    _table = None


def suggest_categories(text: str, *, limit: int = 3) -> list[tuple[Category, float]]:
    """The likeliest categories for `text`, best first, with a score (empty: no idea)."""
    words = set(tokenize((text or "")[:MAX_TEXT]))
    if not words:
        return []
    t = table()
    n = max(1, len(t.categories))
    scores: dict[int, float] = {}
    for pk in t.categories:
        used = t.counts.get(pk, Counter())
        total = t.totals.get(pk, 0)
        score = 0.0
        for word in words:
            idf = math.log(1 + n / (1 + t.spread.get(word, 0)))
            if used.get(word):
                score += (used[word] / (total + 1)) * idf
            if word in t.names[pk] or any(word in name for name in t.names[pk]):
                score += NAME_WEIGHT * idf / len(words)
        if score > 0:
            scores[pk] = score
    best = sorted(scores.items(), key=lambda item: (-item[1], t.categories[item[0]].code))
    return [(t.categories[pk], round(score, 3)) for pk, score in best[:limit]]
