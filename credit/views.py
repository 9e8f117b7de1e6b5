"""Public credit pages (C4): an organization's credit, the two lists, their downloads, the
roll of honours (C6); the resident's page to rate and complain about services (C5)."""

import csv
import io
import threading
from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from credit import forms, selectors, services
from huitian.access import organization_ids
from huitian.forms import SERVICE_ERRORS, apply_service_errors
from registry.models import Organization

COLUMNS = [
    ("organization.name", gettext_lazy("Organization")),
    ("organization.uscc", gettext_lazy("Credit code")),
    ("kind", gettext_lazy("List")),
    ("cause", gettext_lazy("Cause")),
    ("legal_basis", gettext_lazy("Legal basis")),
    ("entered_on", gettext_lazy("Entered on")),
    ("state", gettext_lazy("State")),
    ("removed_on", gettext_lazy("Removed on")),
    ("removal_reason", gettext_lazy("Removal reason")),
]


PAGE_CACHE_SECONDS = 3600
# Rendered where the reader's CSRF token goes in a page cached for every anonymous reader;
# replaced by the reader's own (names on the page are escaped: `"` cannot appear in them).
SLOT_TOKEN = "credit-page-csrf-slot"
CSRF_SLOT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{SLOT_TOKEN}">'


class RecentPages:
    """The last pages this process served, by key: the key is read from the database on
    every request (the records' version), so a copy here is as current as the shared
    cache's, without its round trip (a quarter of a cached request in the profile)."""

    def __init__(self, size: int = 200):
        self.size = size
        self.pages: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self.lock:
            html = self.pages.get(key)
            if html is not None:
                self.pages.move_to_end(key)
            return html

    def set(self, key: str, html: str) -> None:
        with self.lock:
            self.pages[key] = html
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


recent_pages = RecentPages()


def organization_credit(request, pk):
    """The public credit page. What it shows is the same for everyone until a record on
    it changes (`credit_page_state`), so it is rendered once and then served from the
    cache; the day and language are in the key (grades and complaints count by date).
    Anonymous readers (most of them) get the whole page from the cache (this process's
    copy, else the shared one) with only their CSRF token put in; signed-in readers get
    the cached body in a shell that shows them."""
    state = selectors.credit_page_state(pk)
    if state is None:
        raise Http404
    key = f"{state.version}:{timezone.localdate().isoformat()}:{get_language()}"
    if _same_page_for_every_anonymous_reader(request, pk):
        html = recent_pages.get(key) or cache.get(f"credit:html:{key}")
        if html is None:
            body = _body(request, state, key, member=False)
            html = render_to_string(
                "credit/organization.html",
                {"org": state, "body": body, "csrf_token": SLOT_TOKEN},
                request=request,
            )
            cache.set(f"credit:html:{key}", html, PAGE_CACHE_SECONDS)
        recent_pages.set(key, html)
        return HttpResponse(html.replace(CSRF_SLOT, csrf_input(request)))
    member = pk in organization_ids(request.user)
    body = _body(request, state, key, member=member)
    return render(request, "credit/organization.html", {"org": state, "body": body})


def _same_page_for_every_anonymous_reader(request, pk) -> bool:
    """A plain GET by someone not signed in, with no message waiting to be shown: the
    shell then differs between readers only by the CSRF token of the language switch.
    (Were the shell to use a CSP nonce, it would have to be put in the same way.)"""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
        and request.path == reverse("credit:organization", args=[pk])
    )


def _body(request, state, key: str, *, member: bool) -> str:
    """The page's body (what the records say), cached under the records' version."""
    body_key = f"credit:page:{key}:{member:d}"
    body = cache.get(body_key)
    if body is None:
        org = get_object_or_404(Organization, pk=state.pk)
        page = selectors.public_credit_page(org)
        body = render_to_string(
            "credit/_organization_body.html",
            {"org": org, "page": page, "member": member},
            request=request,
        )
        cache.set(body_key, body, PAGE_CACHE_SECONDS)
    return mark_safe(body)


@login_required
def appeal(request, pk):
    """A member appeals the organization's latest star rating, a list entry or its
    grade evaluation result (C3)."""
    org = get_object_or_404(Organization, pk=pk, pk__in=organization_ids(request.user))
    page = selectors.public_credit_page(org)
    entry_id = request.GET.get("entry") or request.POST.get("entry") or ""
    grade_id = request.GET.get("grade") or request.POST.get("grade") or ""
    form = forms.AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if entry_id.isdigit():
            subject = {"list_entry_id": int(entry_id)}
        elif grade_id.isdigit():
            subject = {"grade_id": int(grade_id)}
        else:
            subject = {"rating_id": page.rating.pk if page.rating else 0}
        try:
            services.submit_appeal(by=request.user, grounds=form.cleaned_data["grounds"], **subject)
            messages.success(
                request, _("Appeal filed. The registration body decides with reasons.")
            )
            return redirect("credit:organization", pk=org.pk)
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "credit/appeal.html",
        {"org": org, "page": page, "form": form, "entry": entry_id, "grade": grade_id},
    )


def public_lists(request):
    form = forms.ListSearchForm(request.GET or None)
    page = Paginator(selectors.public_list(**form.selection()), 20).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "credit/lists.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _row(entry) -> list[str]:
    return [
        entry.organization.name,
        entry.organization.uscc or entry.organization.filing_number or "",
        entry.get_kind_display(),
        entry.get_cause_display(),
        entry.legal_basis,
        entry.entered_on.isoformat(),
        entry.get_state_display(),
        entry.removed_on.isoformat() if entry.removed_on else "",
        entry.removal_reason,
    ]


def download_lists(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = forms.ListSearchForm(request.GET or None)
    entries = selectors.public_list(**form.selection())
    header = [str(label) for _path, label in COLUMNS]
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="credit-lists.csv"'
        response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
        writer = csv.writer(response)
        writer.writerow(header)
        for entry in entries.iterator(chunk_size=1000):
            writer.writerow(_row(entry))
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Credit lists"))
    sheet.append(header)
    for entry in entries.iterator(chunk_size=1000):
        sheet.append(_row(entry))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="credit-lists.xlsx"'
    return response


def honour_roll(request):
    form = forms.HonourRollForm(request.GET or None, years=selectors.honour_years())
    page = Paginator(selectors.honour_roll(**form.selection()), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "credit/honours.html", {"form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def voice(request):
    """Rate or complain about a service the resident took part in (one of each per service)."""
    subjects = selectors.voice_subjects(request.user)
    form = forms.VoiceForm(request.POST or None, subjects=subjects)
    if request.method == "POST" and form.is_valid():
        complain = request.POST.get("action") == "complain"
        data = form.cleaned_data
        try:
            if complain:
                services.file_complaint(by=request.user, text=data["text"], **form.subject_ids())
                messages.success(
                    request, _("Complaint received. It counts once staff have verified it.")
                )
            else:
                services.rate_service(
                    by=request.user,
                    rating=data.get("rating"),
                    comment=data["text"],
                    **form.subject_ids(),
                )
                messages.success(request, _("Thank you for your rating."))
            return redirect("credit:voice")
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
    return render(
        request,
        "credit/voice.html",
        {
            "form": form,
            "subjects": subjects,
            "reviews": selectors.reviews_for(request.user).filter(resident=request.user)[:20],
            "complaints": selectors.complaints_for(request.user).filter(resident=request.user)[:20],
        },
    )
