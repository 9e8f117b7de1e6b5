"""Deadline alerts for needs (issue 13, item 13): the handling staff hear once when a
need's response or resolution deadline is near (within a working day) and once when it
has passed.

Run by the beat job `procurement.need_deadline_alerts` (daily, morning) and by the
`procurement.need_deadline_alerts` sweeper (a few needs per minute), both idempotent:
the notification rows are the record of what was sent (kind + the need's admin link),
and a transaction-level advisory lock keeps two runs from sending the same alert twice.
No new table: the rows the recipients read are the ledger of alerts (their body is the
deadline's date, so a reopened need's new deadline is alerted afresh).
"""

import datetime
import zlib

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from huitian.models import Notification, Role
from huitian.selectors import staff_of
from huitian.services import notify
from huitian.workdays import WorkingCalendar
from procurement.models import Need

NEAR_WORKING_DAYS = 1
# Who handles a need: the staff of its assigned community or street, else its community's.
HANDLING_ROLES = (Role.COMMUNITY_STAFF, Role.STREET_STAFF)
KINDS = {
    ("response", "near"): "procurement.need_response_near",
    ("response", "overdue"): "procurement.need_response_overdue",
    ("resolution", "near"): "procurement.need_resolution_near",
    ("resolution", "overdue"): "procurement.need_resolution_overdue",
}
_LOCK = zlib.crc32(b"procurement.need_deadline_alerts")


def admin_url(need: Need) -> str:
    return reverse("admin:procurement_need_change", args=[need.pk])


def due_alerts(need: Need, today: datetime.date, soon: datetime.date) -> list[tuple[str, str]]:
    """The (deadline, status) alerts a need calls for today: near or overdue, per deadline."""
    found = []
    if need.state == Need.State.RECEIVED and need.response_due:
        if need.response_due < today:
            found.append(("response", "overdue"))
        elif need.response_due <= soon:
            found.append(("response", "near"))
    if need.state in Need.OPEN_STATES and need.resolution_due:
        if need.resolution_due < today:
            found.append(("resolution", "overdue"))
        elif need.resolution_due <= soon:
            found.append(("resolution", "near"))
    return found


def _title(need: Need, deadline: str, status: str, today: datetime.date, cal) -> str:
    due = need.response_due if deadline == "response" else need.resolution_due
    what = {
        "response": pgettext("deadline kind", "response deadline"),
        "resolution": pgettext("deadline kind", "resolution deadline"),
    }[deadline]
    values = {"what": what, "title": need.title, "code": need.tracking_code, "day": due}
    if status == "overdue":
        values["n"] = max(1, cal.working_days_between(due, today))
        return _("%(what)s passed %(n)d working days ago (%(day)s): %(code)s %(title)s") % values
    return _("%(what)s is near (%(day)s): %(code)s %(title)s") % values


def send_need_deadline_alerts(
    *, today: datetime.date | None = None, limit: int | None = None
) -> int:
    """Notify the handling staff of needs passing or nearing a deadline; each alert once."""
    today = today or timezone.localdate()
    cal = WorkingCalendar()
    soon = cal.add_working_days(today, NEAR_WORKING_DAYS)
    candidates = (
        Need.objects.filter(state__in=Need.OPEN_STATES)
        .filter(Q(state=Need.State.RECEIVED, response_due__lte=soon) | Q(resolution_due__lte=soon))
        .select_related("community", "assigned_area")
        .order_by("resolution_due", "pk")
    )
    sent = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        needs = list(candidates)
        urls = [admin_url(n) for n in needs]
        # What was sent: (link, kind, the deadline's date); a reopened need's new deadline
        # is a new date, so it is alerted again.
        done = set(
            Notification.objects.filter(kind__in=KINDS.values(), url__in=urls)
            .values_list("url", "kind", "body")
            .distinct()
        )
        for need, url in zip(needs, urls, strict=True):
            for deadline, status in due_alerts(need, today, soon):
                kind = KINDS[deadline, status]
                due = need.response_due if deadline == "response" else need.resolution_due
                key = (url, kind, due.isoformat())
                if key in done:
                    continue
                recipients = staff_of(need.assigned_area or need.community, HANDLING_ROLES)
                if not recipients:
                    continue
                notify(
                    recipients=recipients,
                    kind=kind,
                    title=_title(need, deadline, status, today, cal),
                    body=due.isoformat(),
                    url=url,
                    email=True,
                )
                done.add(key)
                sent += 1
                if limit is not None and sent >= limit:
                    return sent
    return sent
