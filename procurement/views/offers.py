"""Portal pages of offers: the public supply list, publishing, an organization's own offers."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huitian.forms import SERVICE_ERRORS, apply_service_errors
from procurement import selectors
from procurement.forms import (
    OfferForm,
)
from procurement.services import offers as offer_svc


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
