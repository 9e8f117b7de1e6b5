"""Topic titles fit to publish (P2): personal data masked and flagged for review; the
compile and the publication screen only titles that changed since they were screened."""

from django.db import connection
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from huitian.privacy import ID_NUMBER, PHONE, ROOM, holds_personal_data, mask_personal_data
from procurement.models import Topic


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
    """Mask personal data in these topics' titles and flag them for review. Idempotent.

    Only titles that differ from the one last screened are read (every door that
    writes a title screens it and records it in `screened_title`; a title that reached
    the row another way does not match). Each gets one regex search; a Topic is built
    only for a title that carries personal data; the clean ones are recorded as screened.
    """
    if not isinstance(topic_ids, QuerySet):
        topic_ids = list(topic_ids)
        if not topic_ids:
            return 0
    unscreened = Topic.objects.filter(pk__in=topic_ids).exclude(screened_title=F("title"))
    # The ORM's SQL fetched raw: on a first screen of a year's list, 80,000 pairs, and
    # Django's row iteration cost a third as much as reading them.
    sql, params = unscreened.values_list("pk", "title").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        read = cursor.fetchall()
    suspects = {pk for pk, title in read if holds_personal_data(title)}
    _record_screened([(pk, title) for pk, title in read if pk not in suspects])
    flagged = []
    for topic in Topic.objects.filter(pk__in=suspects) if suspects else ():
        title, reason = screen_public_text(topic.title)
        if reason:
            topic.title, topic.needs_review, topic.review_reason = title, True, reason
            topic.screened_title = title
            flagged.append(topic)
        else:  # (the one-search check and the mask agree; a clean title is recorded)
            _record_screened([(topic.pk, topic.title)])
    if flagged:
        bulk_update_with_history(
            flagged,
            Topic,
            ["title", "screened_title", "needs_review", "review_reason"],
            default_change_reason="mask personal data",
        )
    return len(flagged)


def _record_screened(pairs: list[tuple[int, str]]) -> None:
    """Record these titles as screened — each only while the title is still the one read."""
    for i in range(0, len(pairs), 5000):
        chunk = pairs[i : i + 5000]
        ids, titles = [pk for pk, _t in chunk], [t for _pk, t in chunk]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""UPDATE {Topic._meta.db_table} AS t SET screened_title = v.title
                        FROM unnest(%s::bigint[], %s::text[]) AS v (id, title)
                        WHERE t.id = v.id AND t.title = v.title""",
                    [ids, titles],
                )
        else:
            for pk, title in chunk:
                Topic.objects.filter(pk=pk, title=title).update(screened_title=title)
