"""The public credit page (C4): what it shows and the version its cache key is read from."""

import functools
import hashlib
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext as _

from credit.models import Complaint, CreditEvent, ListEntry, StarRating
from credit.selectors import latest_ratings
from credit.selectors.grades import current_grades, grade_breakdown, upheld_grade_appeals
from credit.selectors.honours import honour_roll
from credit.selectors.voice import public_voice


@dataclass
class CreditPage:
    organization: object
    rating: StarRating | None
    events: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    conclusions: list = field(default_factory=list)
    grade: object = None
    grade_breakdown: list = field(default_factory=list)
    voice: dict = field(default_factory=dict)
    honours: list = field(default_factory=list)
    grade_appeals: list = field(default_factory=list)

    @property
    def listed(self) -> list:
        return [e for e in self.entries if e.state == ListEntry.State.LISTED]

    @property
    def exclusion(self) -> str | None:
        """Why the organization may not take purchases or certification (C7), if it may not."""
        listed = self.listed
        if not listed:
            return None
        return "；".join(
            _("On the %(list)s since %(day)s (%(cause)s)")
            % {"list": e.get_kind_display(), "day": e.entered_on, "cause": e.get_cause_display()}
            for e in listed
        )


PAGE_EVENTS = 100


def public_events(organization) -> list[CreditEvent]:
    """The latest public events, each with `kind_label` in words: looked up in one dict
    built per call (Django's `get_kind_display` rebuilds and hashes the choices, lazy
    labels and all, on every call: the page's largest cost in its profile)."""
    labels = {kind: str(label) for kind, label in CreditEvent.Kind.choices}
    events = list(
        CreditEvent.objects.filter(organization=organization, public=True)
        .only(*PUBLIC_EVENT_FIELDS)
        .order_by("-occurred_on", "-pk")[:PAGE_EVENTS]
    )
    for event in events:
        event.kind_label = labels.get(event.kind, event.kind)
    return events


PUBLIC_EVENT_FIELDS = (
    "id",
    "organization_id",
    "kind",
    "occurred_on",
    "effect",
    "expires_on",
    "summary",
    "reason",
    "reverses",
)


def public_credit_page(organization) -> CreditPage:
    from registry.selectors import public_conclusions

    grade = current_grades([organization.pk]).get(organization.pk)
    return CreditPage(
        grade=grade,
        grade_breakdown=grade_breakdown(grade) if grade else [],
        voice=public_voice(organization),
        honours=list(honour_roll().filter(organization=organization)),
        organization=organization,
        rating=latest_ratings([organization.pk]).get(organization.pk),
        events=public_events(organization),
        entries=list(
            ListEntry.objects.filter(organization=organization)
            .select_related("organization")
            .order_by("-entered_on", "-pk")
        ),
        conclusions=list(public_conclusions(organization)),
        grade_appeals=upheld_grade_appeals(organization.pk),
    )


@dataclass(frozen=True)
class PageState:
    """What the public credit page needs before it knows whether its cache holds it."""

    pk: int
    name: str
    version: str  # changes whenever anything the page shows changes (the name included)


@functools.cache
def _state_sql() -> tuple[str, int]:
    """The state query and its number of parameters, built once per process (reading a
    model's `history` builds a manager class each time: 3 ms of 9 a request in the
    profile)."""
    from credit.models import Appeal, Evaluation, Nomination, ServiceReview
    from registry.models import AnnualReport, Organization

    parts = [
        (CreditEvent, "id"),
        (ServiceReview, "id"),
        (ListEntry.history.model, "history_id"),
        (Evaluation.history.model, "history_id"),
        (Appeal.history.model, "history_id"),
        (Complaint.history.model, "history_id"),
        (Nomination.history.model, "history_id"),
        (AnnualReport.history.model, "history_id"),
    ]
    qn = connection.ops.quote_name
    newest = [
        f"(SELECT max({qn(column)}) FROM {qn(model._meta.db_table)} WHERE organization_id = %s)"
        for model, column in parts
    ]
    # The rating the page shows (the latest, as `latest_ratings` orders them), on the
    # index the recompute reads too: one index fewer for each night's 10,000 INSERTs.
    newest.append(
        f"(SELECT id FROM {qn(StarRating._meta.db_table)} WHERE organization_id = %s"
        " ORDER BY computed_at DESC, id DESC LIMIT 1)"
    )
    table = qn(Organization._meta.db_table)
    sql = f"SELECT name, created_at, {', '.join(newest)} FROM {table} WHERE id = %s"
    return sql, len(newest) + 1


def credit_page_state(organization_id: int) -> PageState | None:
    """The organization's name and the version of its credit page, or None when there
    is no such organization: one query of index lookups (the newest row of every record
    the page reads: append-only tables by id, the others by their history, where every
    change is a row; the rating the page shows), so the page can be cached and served
    again until something changes. The name is in the version, as the page shows it."""
    sql, params = _state_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [organization_id] * params)
        row = cursor.fetchone()
    if row is None:
        return None
    name, created, *newest = row
    digest = hashlib.blake2b(name.encode(), digest_size=6).hexdigest()
    stamp = created.timestamp() if created else 0
    version = f"{organization_id}.{stamp}.{digest}." + ".".join(str(v or 0) for v in newest)
    return PageState(pk=organization_id, name=name, version=version)
