"""Portal pages of needs: the resident web form, tracking by code, my needs, the staff
queue, the public needs list, an organization's assigned needs, the rates."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huitian.access import get_visible_or_404, is_staff_user
from huitian.forms import SERVICE_ERRORS, apply_service_errors
from huitian.validators import mask_phone
from huitian.workdays import WorkingCalendar
from procurement import selectors
from procurement.forms import (
    LinkNeedForm,
    NeedForm,
    RateForm,
    ReopenForm,
    TrackForm,
)
from procurement.models import Need
from procurement.services import needs as svc
from procurement.services import suggest


def _throttled(request) -> bool:
    """The API's write throttle, applied to the portal's anonymous-friendly forms too."""
    from huitian.api.throttling import WriteThrottle

    return request.method == "POST" and not WriteThrottle().allow_request(request, None)


def _too_many(request):
    return render(
        request,
        "procurement/throttled.html",
        {"message": _("Too many submissions from here; please wait a minute and try again.")},
        status=429,
    )


def _signed_in(request):
    return request.user if request.user.is_authenticated else None


@require_http_methods(["GET", "POST"])
def need_new(request):
    if _throttled(request):
        return _too_many(request)
    form = NeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            need = svc.submit_need(
                channel=Need.Channel.WEB_FORM,
                community=d["community"],
                category=d["category"],
                title=d["title"],
                text=d["text"],
                address=d["address"],
                contact_name=d["contact_name"],
                contact_phone=d["contact_phone"],
                anonymous=d["anonymous"],
                submitter=_signed_in(request),
                photos=request.FILES.getlist("photos"),
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            request.session[f"need-new-{need.tracking_code}"] = True
            return redirect("procurement:need-track", code=need.tracking_code)
    return render(request, "procurement/need_form.html", {"form": form})


@require_http_methods(["GET"])
def need_category_suggest(request):
    """The likely categories for what the resident has written so far (the form's JS)."""
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}"[:600]
    rows = suggest.suggest_categories(text)
    return JsonResponse(
        {
            "suggestions": [
                {"id": c.pk, "code": c.code, "name": c.name, "group": c.parent.name, "score": sc}
                for c, sc in rows
            ]
        }
    )


def need_track_lookup(request):
    form = TrackForm(request.GET or None)
    if request.GET and form.is_valid():
        need = selectors.need_by_tracking_code(form.cleaned_data["code"])
        if need is not None:
            return redirect("procurement:need-track", code=need.tracking_code)
        form.add_error(
            "code", _("No need has this tracking code. Check the letters and digits and try again.")
        )
    return render(request, "procurement/track_lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def need_track(request, code):
    """Whoever holds the tracking code follows the need; no contact is ever shown here."""
    if _throttled(request):
        return _too_many(request)
    need = selectors.need_by_tracking_code(code)
    if need is None:
        raise Http404
    posted = request.POST.get("action") if request.method == "POST" else None
    rate_form = RateForm(request.POST if posted == "rate" else None)
    reopen_form = ReopenForm(request.POST if posted == "reopen" else None)
    if posted == "rate" and rate_form.is_valid():
        try:
            svc.rate_need(
                need_id=need.pk,
                tracking_code=need.tracking_code,
                satisfaction=rate_form.cleaned_data["satisfaction"],
                comment=rate_form.cleaned_data["comment"],
                by=_signed_in(request),
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(rate_form, exc)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("procurement:need-track", code=need.tracking_code)
    if posted == "reopen" and reopen_form.is_valid():
        try:
            svc.reopen_need(
                need_id=need.pk,
                tracking_code=need.tracking_code,
                note=reopen_form.cleaned_data["note"],
                by=_signed_in(request),
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(reopen_form, exc)
        else:
            messages.success(request, _("Your need was reopened; the staff will follow up."))
            return redirect("procurement:need-track", code=need.tracking_code)
    return render(
        request,
        "procurement/need_track.html",
        {
            "need": need,
            "steps": svc.resident_steps(need),
            "state_label": svc.resident_state_label(need),
            "handled_by": svc.handler_name(need),
            "just_submitted": request.session.pop(f"need-new-{need.tracking_code}", False),
            "rate_form": rate_form,
            "reopen_form": reopen_form,
            "why_not_reopen": svc.why_not_reopen(need=need),
            "reopen_until": svc.reopen_deadline(need),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_needs(request):
    """The resident's needs; a need raised without an account joins them by its code."""
    form = LinkNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            need = svc.link_need(tracking_code=form.cleaned_data["code"], by=request.user)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Need %(code)s is now in your account.") % {"code": need.tracking_code}
            )
            return redirect("procurement:my-needs")
    page = Paginator(selectors.own_needs(request.user), 20).get_page(request.GET.get("page"))
    rows = [(n, svc.resident_state_label(n)) for n in page]
    return render(
        request, "procurement/my_needs.html", {"page": page, "rows": rows, "link_form": form}
    )


@login_required
def need_queue(request):
    if not is_staff_user(request.user):
        raise Http404
    from procurement.deadlines import URGENCY_ORDER, deadlines_of, urgency_annotated

    bucket = request.GET.get("bucket", "all")
    today = timezone.localdate()
    calendar = WorkingCalendar()
    soon = calendar.add_working_days(today, selectors.NEAR_DUE_WORKING_DAYS)
    # The most urgent first: the deadline running now (or missed) soonest on top.
    queue = urgency_annotated(
        selectors.needs_for_queue(request.user, bucket=bucket, today=today)
    ).order_by(*URGENCY_ORDER)
    page = Paginator(queue, 30).get_page(request.GET.get("page"))
    rows = [
        (n, selectors.due_status(n, today, soon), deadlines_of(n, today, soon, calendar))
        for n in page
    ]
    return render(request, "procurement/queue.html", {"page": page, "rows": rows, "bucket": bucket})


def needs_list_public(request):
    lists = list(selectors.published_lists()[:24])
    chosen = None
    wanted = request.GET.get("list", "")
    if wanted.isdigit():
        chosen = next((lst for lst in lists if lst.pk == int(wanted)), None)
    chosen = chosen or (lists[0] if lists else None)
    entries = Paginator(selectors.published_entries(chosen) if chosen else [], 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "procurement/needs_list.html", {"lists": lists, "chosen": chosen, "page": entries}
    )


@login_required
@require_http_methods(["GET", "POST"])
def assigned_needs(request):
    """Needs assigned to the member's organizations (contacts masked)."""
    if not selectors.member_organizations(request.user):
        raise Http404
    if request.method == "POST":
        # Start or resolve one of them: the lifecycle services decide (serve_need).
        need = get_visible_or_404(
            request.user, selectors.assigned_needs(request.user), request.POST.get("need", "")
        )
        step = request.POST.get("step", "")
        steps = {"start": svc.start_service, "resolve": svc.resolve_need}
        if step in steps:
            note = request.POST.get("note", "")[:1000]
            try:
                steps[step](need_id=need.pk, by=request.user, note=note)
            except SERVICE_ERRORS as exc:
                for text in getattr(exc, "messages", None) or [str(getattr(exc, "detail", exc))]:
                    messages.error(request, text)
            else:
                messages.success(request, _("Done: %(title)s") % {"title": need.title})
        return redirect("procurement:assigned-needs")
    page = Paginator(selectors.assigned_needs(request.user), 20).get_page(request.GET.get("page"))
    rows = [(n, mask_phone(n.contact_phone)) for n in page]
    return render(request, "procurement/assigned.html", {"page": page, "rows": rows})


@login_required
def needs_rates(request):
    """The three rates of 接诉即办 for staff, by street, community or category."""
    if not is_staff_user(request.user):
        raise Http404
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = datetime.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    by = request.GET.get("by", "street")
    by = by if by in selectors.GROUPINGS else "street"
    try:
        rows = selectors.need_rates(request.user, start=start, end=end, by=by)
    except ValidationError as exc:  # a period outside the years the platform covers
        for message in exc.messages:
            messages.error(request, message)
        start, end = today.replace(day=1), today
        rows = selectors.need_rates(request.user, start=start, end=end, by=by)
    return render(
        request, "procurement/rates.html", {"rows": rows, "start": start, "end": end, "by": by}
    )
