"""Portal pages: the resident web form, tracking by code, my needs, the public lists.

Views parse a form, call one service or selector, render. Refusals come from the
services and appear beside the fields through `huitian.forms.apply_service_errors`.
"""

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
    ConfirmMatchForm,
    LinkNeedForm,
    NeedForm,
    OfferForm,
    RateForm,
    ReopenForm,
    RespondForm,
    TrackForm,
)
from procurement.models import Need
from procurement.services import matching, suggest
from procurement.services import needs as svc
from procurement.services import offers as offer_svc
from procurement.services import whistle as whistle_svc


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


def offers_public(request):
    category = request.GET.get("category", "")[:48]
    page = Paginator(selectors.active_offers(category=category), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "procurement/offers.html",
        {
            "page": page,
            "groups": selectors.category_groups(),
            "category": category,
            "is_member": request.user.is_authenticated
            and bool(selectors.member_organizations(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_new(request):
    """Organizations publish a service offer to the supply list."""
    orgs = selectors.member_organizations(request.user)
    if not orgs:
        raise Http404
    form = OfferForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            offer_svc.publish_offer(
                by=request.user,
                organization=next(o for o in orgs if o.pk == d["organization"]),
                category=d["category"],
                title=d["title"],
                description=d["description"],
                areas=list(d["areas"]),
                valid_until=d["valid_until"],
                capacity_per_month=d["capacity_per_month"],
                is_free=d["is_free"],
                price_min=d["price_min"],
                price_max=d["price_max"],
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your offer is published on the supply list."))
            return redirect("procurement:offers")
    return render(request, "procurement/offer_form.html", {"form": form})


def _offer_terms(d) -> dict:
    return {
        "category": d["category"],
        "title": d["title"],
        "description": d["description"],
        "areas": list(d["areas"]),
        "valid_until": d["valid_until"],
        "capacity_per_month": d["capacity_per_month"],
        "is_free": d["is_free"],
        "price_min": d["price_min"],
        "price_max": d["price_max"],
    }


@login_required
@require_http_methods(["GET", "POST"])
def my_offers(request):
    """The member's organizations' offers, with withdraw and renew (through the services)."""
    orgs = selectors.member_organizations(request.user)
    if not orgs:
        raise Http404
    offers = selectors.offers_of(orgs)
    if request.method == "POST":
        wanted = request.POST.get("offer", "")
        offer = next((o for o in offers if str(o.pk) == wanted), None)
        if offer is None:
            raise Http404
        action = request.POST.get("do", "")
        try:
            if action == "withdraw":
                offer_svc.withdraw_offer(offer_id=offer.pk, by=request.user)
                messages.success(request, _("Offer “%(t)s” withdrawn.") % {"t": offer.title})
            elif action == "renew":
                try:
                    until = datetime.date.fromisoformat(request.POST.get("valid_until", ""))
                except ValueError:
                    until = None
                offer_svc.renew_offer(offer_id=offer.pk, by=request.user, valid_until=until)
                messages.success(
                    request,
                    _("Offer “%(t)s” renewed until %(d)s.") % {"t": offer.title, "d": until},
                )
        except SERVICE_ERRORS as exc:
            for text in getattr(exc, "messages", None) or [str(getattr(exc, "detail", exc))]:
                messages.error(request, text)
        return redirect("procurement:my-offers")
    return render(
        request, "procurement/my_offers.html", {"offers": offers, "today": timezone.localdate()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request, pk):
    """The organization corrects one of its active offers."""
    orgs = selectors.member_organizations(request.user)
    offer = next((o for o in selectors.offers_of(orgs) if o.pk == pk), None) if orgs else None
    if offer is None or offer.state != offer.State.ACTIVE:
        raise Http404
    initial = {
        "organization": offer.organization_id,
        "category": offer.category_id,
        "title": offer.title,
        "description": offer.description,
        "areas": [a.pk for a in offer.areas.all()],
        "valid_until": offer.valid_until,
        "capacity_per_month": offer.capacity_per_month,
        "is_free": offer.is_free,
        "price_min": offer.price_min,
        "price_max": offer.price_max,
    }
    form = OfferForm(
        request.POST or None,
        initial=initial,
        organizations=[o for o in orgs if o.pk == offer.organization_id],
    )
    if request.method == "POST" and form.is_valid():
        try:
            offer_svc.update_offer(
                offer_id=offer.pk, by=request.user, **_offer_terms(form.cleaned_data)
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your offer is updated."))
            return redirect("procurement:my-offers")
    return render(request, "procurement/offer_form.html", {"form": form, "offer": offer})


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


@login_required
@require_http_methods(["GET", "POST"])
def whistle_calls(request):
    """Whistle calls visible to the user; organizations report here; response times."""
    orgs = selectors.member_organizations(request.user)
    posted_call, posted_form = None, None
    if request.method == "POST" and orgs:
        call_id = request.POST.get("call", "")
        form = RespondForm(request.POST, organizations=orgs, auto_id=f"id_call{call_id}_%s")
        posted_call, posted_form = call_id, form
        if form.is_valid() and call_id.isdigit():
            try:
                whistle_svc.respond_to_call(
                    call_id=int(call_id),
                    organization_id=form.cleaned_data["organization"],
                    brings=form.cleaned_data["brings"],
                    by=request.user,
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Thank you: your report was sent to the caller."))
                return redirect("procurement:whistle")
    calls = list(selectors.whistle_calls_for(request.user).order_by("-raised_at")[:50])
    rows = [
        (
            call,
            posted_form
            if posted_form is not None and posted_call == str(call.pk)
            else RespondForm(organizations=orgs, auto_id=f"id_call{call.pk}_%s"),
        )
        for call in calls
    ]
    return render(
        request,
        "procurement/whistle.html",
        {
            "calls": calls,
            "rows": rows,
            "responded": selectors.responded_call_ids(calls, orgs),
            "orgs": orgs,
            "times": selectors.whistle_response_times(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_candidates(request, pk):
    """Staff see the ranked candidates for a topic, with the reasons, and confirm one.

    An organization's member sees why its own organization was matched or proposed for
    the topic (its match and candidate rows only, never the others'), and confirms nothing.
    """
    if not is_staff_user(request.user):
        return _member_candidates(request, pk)
    topic = get_visible_or_404(request.user, selectors.topics_for(request.user), pk)
    form = ConfirmMatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            matching.confirm_match(
                topic_id=topic.pk,
                organization_id=form.cleaned_data["organization"],
                by=request.user,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("procurement:topic-candidates", pk=topic.pk)
    return render(
        request,
        "procurement/candidates.html",
        {
            "topic": topic,
            "candidates": selectors.offer_candidates(topic),
            "matches": topic.matches.select_related("organization"),
            "form": form,
        },
    )


def _member_candidates(request, pk):
    orgs = selectors.member_organizations(request.user)
    if not orgs or request.method != "GET":
        raise Http404
    topic = selectors.topic_for_members(pk)
    if topic is None:
        raise Http404
    ids = {o.pk for o in orgs}
    matches = [m for m in topic.matches.select_related("organization") if m.organization_id in ids]
    candidates = []
    if topic.state == topic.State.OPEN:
        candidates = [
            (rank, c)
            for rank, c in enumerate(selectors.offer_candidates(topic), start=1)
            if c.organization.pk in ids
        ]
    if not matches and not candidates:
        raise Http404
    return render(
        request,
        "procurement/candidates.html",
        {"topic": topic, "member": True, "matches": matches, "ranked": candidates},
    )
