"""A need's deadlines as clerks read them: each labelled with its kind (响应 / 办结), its
status (near, or overdue by so many working days), and queues sorted by urgency.

Shared by the admin's needs list and the portal's needs queue; reads only.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Value, When
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from huitian.workdays import WorkingCalendar
from procurement.models import Need

NEAR_DUE_WORKING_DAYS = 1


@dataclass
class Deadline:
    kind: str  # "response" | "resolution"
    label: str
    due: datetime.date
    status: str  # "overdue" | "near_due" | "on_time"
    days_over: int = 0  # working days past the deadline

    @property
    def status_text(self) -> str:
        if self.status == "overdue":
            return _("overdue by %(n)d working days") % {"n": self.days_over}
        if self.status == "near_due":
            return _("near due")
        return ""


def urgency_annotated(queryset):
    """`closed_rank` (open needs 0) and `next_due` (the deadline running now) for ordering."""
    return queryset.annotate(
        closed_rank=Case(
            When(state__in=Need.OPEN_STATES, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        next_due=Case(
            When(state=Need.State.RECEIVED, then=Least("response_due", "resolution_due")),
            When(state__in=Need.OPEN_STATES, then=F("resolution_due")),
            default=None,
        ),
    )


URGENCY_ORDER = [
    F("closed_rank").asc(),
    F("next_due").asc(nulls_last=True),
    F("created_at").desc(),
    F("pk").desc(),
]


def deadlines_of(
    need: Need,
    today: datetime.date | None = None,
    soon: datetime.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[Deadline]:
    """The deadlines that still run for an open need (none for a closed one)."""
    if need.state not in Need.OPEN_STATES:
        return []
    calendar = calendar or WorkingCalendar()
    today = today or timezone.localdate()
    soon = soon or calendar.add_working_days(today, NEAR_DUE_WORKING_DAYS)
    found = []
    running = []
    if need.state == Need.State.RECEIVED and need.response_due:
        running.append(
            ("response", pgettext("deadline kind", "response deadline"), need.response_due)
        )
    if need.resolution_due:
        running.append(
            ("resolution", pgettext("deadline kind", "resolution deadline"), need.resolution_due)
        )
    for kind, label, due in running:
        if due < today:
            over = -calendar.working_days_between(today, due)
            found.append(Deadline(kind, label, due, "overdue", max(over, 1)))
        elif due <= soon:
            found.append(Deadline(kind, label, due, "near_due"))
        else:
            found.append(Deadline(kind, label, due, "on_time"))
    return found


def deadline_html(need: Need, today=None, soon=None, calendar=None):
    """The admin column: each running deadline with its kind; overdue in working days."""
    rows = deadlines_of(need, today, soon, calendar)
    if not rows:
        return "—"
    return format_html_join(
        mark_safe("<br>"),
        '<span class="deadline deadline-{}">{} {}{}</span>',
        (
            (
                d.status,
                d.label,
                d.due.strftime("%Y-%m-%d"),
                format_html(" <strong>{}</strong>", d.status_text) if d.status_text else "",
            )
            for d in rows
        ),
    )
