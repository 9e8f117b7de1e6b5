"""Portal pages: the resident web form, tracking by code, my needs, the public lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huitian.access import is_staff_user
from huitian.workdays import WorkingCalendar
from huitian.workflow import WorkflowError, transitions_of
from procurement import selectors
from procurement.forms import NeedForm, RateForm, ReopenForm, TrackForm
from procurement.models import Need
from procurement.services import needs as svc


def _throttled(request) -> bool:
    """The API's write throttle, applied to the portal's anonymous-friendly forms too."""
    from huitian.api.throttling import WriteThrottle

    return request.method == "POST" and not WriteThrottle().allow_request(request, None)


def _too_many(request):
    response = render(
        request,
        "procurement/throttled.html",
        {"message": _("Too many submissions from here; please wait a minute and try again.")},
        status=429,
    )
    return response


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
                submitter=request.user if request.user.is_authenticated else None,
                photos=request.FILES.getlist("photos"),
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[f"need-new-{need.tracking_code}"] = True
            return redirect("procurement:need-track", code=need.tracking_code)
    return render(request, "procurement/need_form.html", {"form": form})


def need_track_lookup(request):
    form = TrackForm(request.GET or None)
    if request.GET and form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        if Need.objects.filter(tracking_code=code).exists():
            return redirect("procurement:need-track", code=code)
        form.add_error(
            "code", _("No need has this tracking code. Check the letters and digits and try again.")
        )
    return render(request, "procurement/track_lookup.html", {"form": form})


def _by_code(code: str) -> Need:
    need = (
        Need.objects.select_related("community", "category", "assigned_org", "assigned_area")
        .filter(tracking_code=code.upper())
        .first()
    )
    if need is None:
        raise Http404
    return need


def _state_label(value: str) -> str:
    try:
        return Need.State(value).label
    except ValueError:
        return value


@require_http_methods(["GET", "POST"])
def need_track(request, code):
    """Whoever holds the tracking code follows the need; no contact is ever shown here."""
    if _throttled(request):
        return _too_many(request)
    need = _by_code(code)
    rate_form = RateForm(request.POST if request.POST.get("action") == "rate" else None)
    reopen_form = ReopenForm(request.POST if request.POST.get("action") == "reopen" else None)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "rate" and rate_form.is_valid():
                svc.rate_need(
                    need_id=need.pk,
                    tracking_code=need.tracking_code,
                    satisfaction=rate_form.cleaned_data["satisfaction"],
                    comment=rate_form.cleaned_data["comment"],
                    by=request.user if request.user.is_authenticated else None,
                )
                messages.success(request, _("Thank you for your rating."))
                return redirect("procurement:need-track", code=need.tracking_code)
            if request.POST.get("action") == "reopen" and reopen_form.is_valid():
                svc.reopen_need(
                    need_id=need.pk,
                    tracking_code=need.tracking_code,
                    note=reopen_form.cleaned_data["note"],
                    by=request.user if request.user.is_authenticated else None,
                )
                messages.success(request, _("Your need was reopened; the staff will follow up."))
                return redirect("procurement:need-track", code=need.tracking_code)
        except WorkflowError as exc:
            error = exc.detail
    reopen_until = svc.reopen_deadline(need)
    can_reopen = bool(
        reopen_until
        and timezone.localdate() <= reopen_until
        and need.state in ("closed", "closed_unresolved")
    )
    return render(
        request,
        "procurement/need_track.html",
        {
            "need": need,
            "steps": [(t.at, _state_label(t.to_state)) for t in transitions_of(need)],
            "just_submitted": request.session.pop(f"need-new-{need.tracking_code}", False),
            "rate_form": rate_form,
            "reopen_form": reopen_form,
            "can_reopen": can_reopen,
            "reopen_until": reopen_until,
            "error": error,
        },
    )


@login_required
def my_needs(request):
    qs = (
        Need.objects.filter(submitter=request.user)
        .select_related("community", "category")
        .order_by("-created_at")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "procurement/my_needs.html", {"page": page})


@login_required
def need_queue(request):
    if not is_staff_user(request.user):
        raise Http404
    bucket = request.GET.get("bucket", "all")
    today = timezone.localdate()
    soon = WorkingCalendar().add_working_days(today, selectors.NEAR_DUE_WORKING_DAYS)
    page = Paginator(
        selectors.needs_for_queue(request.user, bucket=bucket, today=today), 30
    ).get_page(request.GET.get("page"))
    rows = [(n, selectors.due_status(n, today, soon)) for n in page]
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
    qs = selectors.active_offers()
    category = request.GET.get("category", "")
    if category:
        qs = qs.filter(category__code=category) | qs.filter(category__parent__code=category)
    page = Paginator(qs.order_by("-created_at", "-pk"), 20).get_page(request.GET.get("page"))
    from huitian.models import Category

    groups = Category.objects.filter(parent__isnull=True, is_active=True)
    return render(
        request, "procurement/offers.html", {"page": page, "groups": groups, "category": category}
    )


def _my_organizations(user):
    from huitian.access import organization_ids
    from registry.models import Organization

    return list(Organization.objects.filter(pk__in=organization_ids(user)).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def offer_new(request):
    """Organizations publish a service offer to the supply list."""
    from procurement.forms import OfferForm
    from procurement.services.offers import publish_offer

    orgs = _my_organizations(request.user)
    if not orgs:
        raise Http404
    form = OfferForm(request.POST or None, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        org = next(o for o in orgs if o.pk == d.pop("organization"))
        try:
            publish_offer(by=request.user, organization=org, areas=list(d.pop("areas")), **d)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except WorkflowError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Your offer is published on the supply list."))
            return redirect("procurement:offers")
    return render(request, "procurement/offer_form.html", {"form": form})


@login_required
def assigned_needs(request):
    """Needs assigned to the member's organizations (contacts masked)."""
    from huitian.access import organization_ids
    from huitian.validators import mask_phone

    ids = organization_ids(request.user)
    if not ids:
        raise Http404
    qs = (
        selectors.needs_for(request.user)
        .filter(assigned_org_id__in=ids)
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    rows = [(n, mask_phone(n.contact_phone)) for n in page]
    return render(request, "procurement/assigned.html", {"page": page, "rows": rows})


@login_required
def needs_rates(request):
    """The three rates of 接诉即办 for staff, by street, community or category."""
    import datetime

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
    rows = selectors.need_rates(request.user, start=start, end=end, by=by)
    return render(
        request, "procurement/rates.html", {"rows": rows, "start": start, "end": end, "by": by}
    )


@login_required
@require_http_methods(["GET", "POST"])
def whistle_calls(request):
    """Whistle calls visible to the user; organizations report here; response times."""
    from huitian.access import visible
    from procurement.forms import RespondForm
    from procurement.models import WhistleResponse
    from procurement.services import whistle as wsvc

    orgs = _my_organizations(request.user)
    error = ""
    posted_call, posted_form = None, None
    if request.method == "POST" and orgs:
        call_id = request.POST.get("call", "")
        form = RespondForm(request.POST, organizations=orgs, auto_id=f"id_call{call_id}_%s")
        posted_call, posted_form = call_id, form
        if form.is_valid() and call_id.isdigit():
            try:
                wsvc.respond_to_call(
                    call_id=int(call_id),
                    organization_id=form.cleaned_data["organization"],
                    brings=form.cleaned_data["brings"],
                    by=request.user,
                )
                messages.success(request, _("Thank you: your report was sent to the caller."))
                return redirect("procurement:whistle")
            except WorkflowError as exc:
                error = exc.detail
            except PermissionDenied as exc:
                error = getattr(exc, "detail", "") or str(exc)
    calls = list(selectors.whistle_calls_for(request.user).order_by("-raised_at")[:50])
    responded = set(
        WhistleResponse.objects.filter(call__in=calls, organization__in=orgs).values_list(
            "call_id", flat=True
        )
    )
    rows = [
        (
            call,
            posted_form
            if posted_form is not None and posted_call == str(call.pk)
            else RespondForm(organizations=orgs, auto_id=f"id_call{call.pk}_%s"),
        )
        for call in calls
    ]
    times = wsvc.response_times_by_organization(
        visible(request.user, WhistleResponse.objects.all())
    )
    return render(
        request,
        "procurement/whistle.html",
        {
            "calls": calls,
            "rows": rows,
            "responded": responded,
            "orgs": orgs,
            "form": RespondForm(organizations=orgs),
            "times": times,
            "error": error,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def topic_candidates(request, pk):
    """Staff see the ranked candidates for a topic, with the reasons, and confirm one."""
    from huitian.access import get_visible_or_404
    from procurement.models import Topic
    from procurement.services import matching

    if not is_staff_user(request.user):
        raise Http404
    topic = get_visible_or_404(request.user, Topic.objects.select_related("area", "category"), pk)
    error = ""
    if request.method == "POST":
        try:
            matching.confirm_match(
                topic_id=topic.pk,
                organization_id=int(request.POST.get("organization", 0)),
                by=request.user,
            )
            return redirect("procurement:topic-candidates", pk=topic.pk)
        except (WorkflowError, PermissionDenied, ValueError) as exc:
            error = getattr(exc, "detail", "") or str(exc)
    return render(
        request,
        "procurement/candidates.html",
        {
            "topic": topic,
            "candidates": matching.offer_candidates(topic),
            "matches": topic.matches.select_related("organization"),
            "error": error,
        },
    )
