"""Chinese text tokens for grouping needs (jieba, its dictionary loaded once per worker)."""

import logging
import re
import threading

from celery.signals import worker_init, worker_process_init

_lock = threading.Lock()
_ready = False

_STOPWORDS_TEXT = """
的 了 和 是 在 有 我 我们 你 他 她 它 这 那 就
也 都 而 及 与 着 或 一个 没有 什么 请 希望 能否 能 可以
问题 情况 反映 居民 小区 社区 一下 一些 非常 比较 目前 现在 已经 还 又
很 多 把 被 让 给 对 从 到 为 以 之 其 但 如果
因为 所以 需要 要求 建议
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True
    return jieba


def warm() -> None:
    """Load jieba's dictionary now (≈2 s), not on the first grouping a worker runs."""
    _jieba()


@worker_init.connect
@worker_process_init.connect
def _warm_worker(**kwargs) -> None:
    # Once per Celery worker: in the parent before prefork children fork (they share it),
    # and in each child in case the pool does not fork (solo, threads).
    warm()


def tokenize(text: str) -> list[str]:
    """Distinct meaningful tokens, in order of first appearance."""
    seen: dict[str, None] = {}
    for token in _jieba().lcut_for_search(text or ""):
        token = token.strip().lower()
        if len(token) < 2 or token in STOPWORDS or not _WORD.search(token) or token.isdigit():
            continue
        seen.setdefault(token, None)
    return list(seen)


def similarity(a: set[str], b: set[str]) -> float:
    """Overlap coefficient: short hotline summaries still match a long web-form text."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))
