"""Needs lifecycle (P1): accept, reject, assign, serve, resolve, close, rate, reopen."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from huitian.access import Forbidden, require
from huitian.models import Area, User
from huitian.selectors import organization_members
from huitian.services import notify
from huitian.validators import check_lengths
from huitian.workdays import WorkingCalendar
from huitian.workflow import WorkflowError, move, transitions_of
from procurement import refdata
from procurement.error_codes import ErrorCode
from procurement.models import Need
from procurement.services.needs.intake import LIMITS, deadlines_for


def reopen_window_days() -> int:
    return getattr(settings, "PROCUREMENT_REOPEN_WORKING_DAYS", 5)


def _locked(need_id: int) -> Need:
    return Need.objects.select_for_update().select_related("community", "category").get(pk=need_id)


def _notify_submitter(need: Need, title: str, body: str = "") -> None:
    """Tell the resident who raised the need; `body` is what staff said to them."""
    if need.submitter_id:
        notify(
            recipients=[need.submitter],
            kind="procurement.need",
            title=title,
            body=body,
            url=track_url(need),
        )


def _said(reason_label, note: str) -> str:
    """ "Reason: note" as the resident reads it (either part may be missing)."""
    parts = [str(p).strip() for p in (reason_label, note) if p and str(p).strip()]
    return (
        _("%(reason)s: %(note)s") % {"reason": parts[0], "note": parts[1]}
        if len(parts) == 2
        else "".join(parts)
    )


def _require_reason(reason: str, choices, *, detail: str, hint: str) -> None:
    """A closing step names one of its reasons (409 with the reason field otherwise)."""
    if reason not in choices.values:
        raise WorkflowError(ErrorCode.REASON_REQUIRED, detail, fields={"reason": [hint]})


def track_url(need: Need) -> str:
    return reverse("procurement:need-track", kwargs={"code": need.tracking_code})


@transaction.atomic
def accept_need(*, need_id: int, by: User, note: str = "") -> Need:
    check_lengths(note=(note, LIMITS["note"]))
    need = _locked(need_id)
    require(by, "procurement.handle_need", need)
    need.responded_at = timezone.now()
    move(need, Need.FLOW["accept"], by=by, note=note, also=["responded_at"])
    _notify_submitter(need, _("Your need %(code)s was accepted") % {"code": need.tracking_code})
    return need


@transaction.atomic
def reject_need(*, need_id: int, by: User, reason: str, note: str) -> Need:
    check_lengths(note=(note, LIMITS["note"]))
    need = _locked(need_id)
    require(by, "procurement.handle_need", need)
    _require_reason(
        reason,
        Need.RejectReason,
        detail=_("Say why the need is rejected."),
        hint=_("Choose out of scope or duplicate."),
    )
    need.reject_reason = reason
    need.responded_at = timezone.now()
    need.resolution_due = None  # nothing will be resolved: no deadline to show
    move(
        need,
        Need.FLOW["reject"],
        by=by,
        note=note,
        also=["reject_reason", "responded_at", "resolution_due"],
    )
    _notify_submitter(
        need,
        _("Your need %(code)s was not accepted") % {"code": need.tracking_code},
        body=_said(need.get_reject_reason_display(), note),
    )
    return need


@transaction.atomic
def assign_need(
    *, need_id: int, by: User, area: Area | None = None, organization=None, note: str = ""
) -> Need:
    """Hand a need to a community, a street or an organization."""
    check_lengths(note=(note, LIMITS["note"]))
    need = _locked(need_id)
    require(by, "procurement.handle_need", need)
    if (area is None) == (organization is None):
        raise WorkflowError(
            ErrorCode.ASSIGNEE_REQUIRED,
            _("Assign the need to one community, street or organization."),
            fields={"assignee": [_("Choose exactly one assignee.")]},
        )
    if area is not None and not (
        area.level != Area.Level.DISTRICT and area.contains(need.community)
    ):
        raise WorkflowError(
            ErrorCode.ASSIGNEE_OUTSIDE,
            _("Assign to the need's own community or street."),
            fields={"area": [_("This area does not contain the need's community.")]},
        )
    if organization is not None and organization.status != "active":
        raise WorkflowError(
            ErrorCode.ORGANIZATION_INACTIVE,
            _("Only an active organization can take a need."),
            fields={"organization": [_("This organization is not active.")]},
        )
    need.assigned_area, need.assigned_org = area, organization
    move(need, Need.FLOW["assign"], by=by, note=note, also=["assigned_area", "assigned_org"])
    if organization is not None:
        notify(
            recipients=organization_members(organization),
            kind="procurement.need_assigned",
            title=_("A need was assigned to you: %(title)s") % {"title": need.title},
            url=reverse("procurement:assigned-needs"),
        )
    return need


@transaction.atomic
def start_service(*, need_id: int, by: User, note: str = "") -> Need:
    check_lengths(note=(note, LIMITS["note"]))
    need = _locked(need_id)
    require(by, "procurement.serve_need", need)
    move(need, Need.FLOW["start"], by=by, note=note)
    _notify_submitter(
        need,
        _("Service started on your need %(code)s") % {"code": need.tracking_code},
        body=note.strip(),
    )
    return need


@transaction.atomic
def resolve_need(*, need_id: int, by: User, note: str = "") -> Need:
    check_lengths(note=(note, LIMITS["note"]))
    need = _locked(need_id)
    require(by, "procurement.serve_need", need)
    need.resolved_at = timezone.now()
    move(need, Need.FLOW["resolve"], by=by, note=note, also=["resolved_at"])
    _notify_submitter(
        need,
        _("Your need %(code)s is resolved: please rate it") % {"code": need.tracking_code},
        body=note.strip(),
    )
    return need


@transaction.atomic
def close_unresolved(*, need_id: int, by: User, reason: str, note: str) -> Need:
    check_lengths(note=(note, LIMITS["note"]))
    need = _locked(need_id)
    require(by, "procurement.handle_need", need)
    _require_reason(
        reason,
        Need.UnresolvedReason,
        detail=_("Say why the need is closed without resolution."),
        hint=_("Choose a reason."),
    )
    need.unresolved_reason = reason
    need.closed_at = timezone.now()
    move(
        need,
        Need.FLOW["close_unresolved"],
        by=by,
        note=note,
        also=["unresolved_reason", "closed_at"],
    )
    _notify_submitter(
        need,
        _("Your need %(code)s was closed without resolution") % {"code": need.tracking_code},
        body=_said(need.get_unresolved_reason_display(), note),
    )
    return need


def _resident_may_act(need: Need, by: User | None, tracking_code: str | None) -> None:
    """The resident acts as the submitter (signed in) or as the holder of the tracking code."""
    if tracking_code and tracking_code == need.tracking_code:
        return
    if by is not None and getattr(by, "is_authenticated", False):
        require(by, "procurement.rate_need", need)
        return
    raise Forbidden(
        _("Only the resident who raised the need can do this."), code=ErrorCode.PERMISSION_DENIED
    )


@transaction.atomic
def rate_need(
    *,
    need_id: int,
    satisfaction: int,
    comment: str = "",
    by: User | None = None,
    tracking_code: str | None = None,
) -> Need:
    """The resident closes a resolved need with a satisfaction score (1–5) and comment."""
    check_lengths(comment=(comment, LIMITS["comment"]))
    need = _locked(need_id)
    _resident_may_act(need, by, tracking_code)
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Give a score from 1 to 5.")})
    need.satisfaction, need.satisfaction_comment = satisfaction, comment.strip()
    need.closed_at = timezone.now()
    need.full_clean(exclude=["tracking_code", "topic", "submitter", "contact_phone"])
    move(
        need,
        Need.FLOW["close"],
        by=by,
        note=comment,
        also=["satisfaction", "satisfaction_comment", "closed_at"],
    )
    return need


def reopen_deadline(need: Need) -> datetime.date | None:
    if not need.closed_at:
        return None
    closed = timezone.localtime(need.closed_at).date()
    return WorkingCalendar().add_working_days(closed, reopen_window_days())


def why_not_reopen(*, need: Need, today: datetime.date | None = None) -> list[str]:
    """Reasons the resident cannot reopen `need` now; empty when they can."""
    reasons = []
    if need.state not in Need.FLOW["reopen"].source:
        reasons.append(_("Only a closed need can be reopened."))
    last_day = reopen_deadline(need)
    if last_day is not None and (today or timezone.localdate()) > last_day:
        reasons.append(
            _("A need can be reopened until %(day)s; that day has passed.") % {"day": last_day}
        )
    return reasons


@transaction.atomic
def reopen_need(
    *, need_id: int, note: str, by: User | None = None, tracking_code: str | None = None
) -> Need:
    check_lengths(note=(note, LIMITS["note"]))
    need = _locked(need_id)
    _resident_may_act(need, by, tracking_code)
    last_day = reopen_deadline(need)
    if last_day is not None and timezone.localdate() > last_day:
        raise WorkflowError(
            ErrorCode.REOPEN_WINDOW_PASSED,
            _("A need can be reopened until %(day)s; that day has passed.") % {"day": last_day},
        )
    need.closed_at = need.resolved_at = None
    need.satisfaction = None
    need.satisfaction_comment = ""
    need.unresolved_reason = ""
    # Handled again from today: a new resolution deadline in working days from the
    # reopen date (the category's own), and the rates remember the first try failed.
    now = timezone.now()
    need.reopened_at = now
    need.reopen_count += 1
    need.resolution_due = refdata.calendar().add_working_days(
        timezone.localtime(now).date(), deadlines_for(need.category)[1]
    )
    move(
        need,
        Need.FLOW["reopen"],
        by=by,
        note=note,
        also=[
            "closed_at",
            "resolved_at",
            "satisfaction",
            "satisfaction_comment",
            "unresolved_reason",
            "reopened_at",
            "reopen_count",
            "resolution_due",
        ],
    )
    return need


# What the resident reads for each step (the state names are the staff's words).
RESIDENT_STEP_LABELS = {
    "create": gettext_lazy("Received"),
    "accept": gettext_lazy("Accepted"),
    "reject": pgettext_lazy("need state", "Rejected"),
    "assign": gettext_lazy("Handed to the people who will handle it"),
    "start": gettext_lazy("Service started"),
    "resolve": gettext_lazy("Resolved"),
    "close": gettext_lazy("You rated it"),
    "close_unresolved": gettext_lazy("Closed without resolution"),
    "reopen": gettext_lazy("Handled again"),
    "locate": gettext_lazy("Placed in its community"),
}
# Steps whose note is written for the resident (the others are the staff's record).
PUBLIC_NOTE_STEPS = frozenset({"reject", "start", "resolve", "close", "close_unresolved", "reopen"})


def resident_state_label(need: Need) -> str:
    """The state as the resident reads it: a reopened need is "handled again"."""
    if need.reopen_count and need.state in Need.OPEN_STATES:
        return str(RESIDENT_STEP_LABELS["reopen"])
    return need.get_state_display()


def handler_name(need: Need) -> str:
    """Who handles the need, as the tracking page and Open311 name it."""
    if need.assigned_org_id:
        return need.assigned_org.name
    if need.assigned_area_id:
        return need.assigned_area.name
    if need.community.level != "community":
        return _("District needs office (to be placed in a community)")
    return need.community.name


def resident_steps(need: Need) -> list[dict]:
    """Each step the resident may know of: when, what, and what staff said to them."""
    steps = []
    for t in transitions_of(need):
        note = t.note if t.step in PUBLIC_NOTE_STEPS else ""
        if t.step == "reject" and need.reject_reason:
            note = _said(need.get_reject_reason_display(), note)
        label = RESIDENT_STEP_LABELS.get(t.step)
        if label is None:
            try:
                label = Need.State(t.to_state).label
            except ValueError:
                label = t.to_state
        steps.append({"at": t.at, "step": t.step, "label": str(label), "note": note})
    _unresolved_reason_for_step(need, steps)
    return steps


def _unresolved_reason_for_step(need: Need, steps: list[dict]) -> None:
    """The reason of a close without resolution goes with its note (the latest one)."""
    if need.unresolved_reason:
        for step in reversed(steps):
            if step["step"] == "close_unresolved":
                step["note"] = _said(need.get_unresolved_reason_display(), step["note"])
                break


@transaction.atomic
def link_need(*, tracking_code: str, by: User) -> Need:
    """A signed-in resident adds a need they raised without an account (by its code).

    The tracking code is the proof, as on the tracking page; a need already in
    someone's account stays there.
    """
    code = (tracking_code or "").strip().upper()[:12]
    need = (
        Need.objects.select_for_update()
        .select_related("community", "category")
        .filter(tracking_code=code)
        .first()
    )
    if need is None:
        raise ValidationError(
            {"tracking_code": _("No need has this tracking code. Check the letters and digits.")}
        )
    if not getattr(by, "is_authenticated", False):
        raise Forbidden(_("Sign in first."), code=ErrorCode.PERMISSION_DENIED)
    if need.submitter_id == by.pk:
        return need
    if need.submitter_id is not None:
        raise WorkflowError(
            ErrorCode.NEED_ALREADY_LINKED,
            _("This need is already in another account."),
            fields={"tracking_code": [_("This need is already in another account.")]},
        )
    need.submitter = by
    need.save(update_fields=["submitter", "updated_at"])
    return need
