"""Portal and public pages: thin; services do the work, forms show errors by the field."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from huitian.access import get_visible_or_404, organization_ids, visible
from huitian.forms import apply_service_errors
from huitian.workflow import WorkflowError, transitions_of
from registry import forms, selectors, services
from registry.models import (
    AnnualReport,
    CertificationBatch,
    Filing,
    Organization,
    RegistrationApplication,
)


def _history(obj):
    """Workflow steps with their states in the reader's language."""
    labels = dict(type(obj).State.choices)
    return [
        {"at": t.at, "state": labels.get(t.to_state, t.to_state), "note": t.note}
        for t in transitions_of(obj)
    ]


def directory(request):
    form = forms.DirectoryForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.public_directory(
        area=data.get("street"),
        category=data.get("category"),
        legal_form=data.get("legal_form") or "",
        search=data.get("q") or "",
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/directory.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def organization_page(request, pk):
    org = get_object_or_404(
        selectors.with_list_relations(Organization.objects.select_related("merged_into")), pk=pk
    )
    return render(
        request,
        "registry/organization.html",
        {
            "org": org,
            "conclusions": selectors.public_conclusions(org),
            "is_member": org.pk in organization_ids(request.user),
            "contacts": selectors.contacts_for(request.user, org),
        },
    )


@login_required
def portal(request):
    records = selectors.portal_records(request.user)
    return render(
        request,
        "registry/portal.html",
        {
            "registrations": records.registrations,
            "filings": records.filings,
            "organizations": records.organizations,
        },
    )


@login_required
def apply(request):
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "categories"}
        try:
            app = services.create_registration(
                by=request.user, data=data, categories=form.cleaned_data["categories"], submit=True
            )
        except (ValidationError, WorkflowError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Application submitted. Staff will accept it or tell you what is missing."),
            )
            return redirect("registry:registration", pk=app.pk)
    return render(request, "registry/apply.html", {"form": form})


@login_required
def registration_detail(request, pk):
    app = get_visible_or_404(
        request.user,
        RegistrationApplication.objects.select_related("home_area", "organization"),
        pk,
    )
    why_not_edit = services.why_not_update_registration(application=app, by=request.user)
    editable = not why_not_edit
    form = forms.RegistrationForm(
        request.POST if request.POST.get("step") == "resubmit" else None, instance=app
    )
    doc_form = forms.DocumentForm(
        request.POST if request.POST.get("step") == "document" else None,
        request.FILES or None,
    )
    if request.method == "POST":
        try:
            if request.POST.get("step") == "resubmit" and editable and form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "categories"}
                services.update_registration(
                    application_id=app.pk,
                    by=request.user,
                    data=data,
                    categories=form.cleaned_data["categories"],
                )
                services.submit_registration(application_id=app.pk, by=request.user)
                messages.success(request, _("Resubmitted. Staff will look at it again."))
                return redirect("registry:registration", pk=app.pk)
            if request.POST.get("step") == "document" and doc_form.is_valid():
                services.attach_registration_document(
                    application_id=app.pk,
                    by=request.user,
                    title=doc_form.cleaned_data["title"],
                    upload=doc_form.cleaned_data["file"],
                )
                messages.success(
                    request, _("Uploaded: %(title)s") % {"title": doc_form.cleaned_data["title"]}
                )
                return redirect("registry:registration", pk=app.pk)
        except ValidationError as exc:
            target = doc_form if request.POST.get("step") == "document" else form
            apply_service_errors(target, exc)
        except (WorkflowError, PermissionDenied) as exc:
            # A message, not a form error: the form that was sent may no longer be shown
            # (staff accepted the application while the page was open).
            messages.error(request, str(getattr(exc, "detail", exc)))
        if request.POST.get("step") == "resubmit" and not editable:
            for reason in why_not_edit:
                messages.error(request, reason)
    return render(
        request,
        "registry/registration.html",
        {
            "app": app,
            "form": form,
            "doc_form": doc_form,
            "editable": editable,
            "documents": app.documents.all(),
            "transitions": _history(app),
        },
    )


@login_required
def file_group(request):
    form = forms.FilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "categories"}
        try:
            filing = services.submit_filing(
                by=request.user, data=data, categories=form.cleaned_data["categories"]
            )
        except (ValidationError, WorkflowError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Filing submitted. Your community reviews it first."))
            return redirect("registry:filing", pk=filing.pk)
    return render(request, "registry/file.html", {"form": form})


@login_required
def filing_detail(request, pk):
    filing = get_visible_or_404(
        request.user, Filing.objects.select_related("community", "organization"), pk
    )
    why_not_edit = services.why_not_resubmit_filing(filing=filing, by=request.user)
    editable = not why_not_edit
    form = forms.FilingForm(request.POST or None, instance=filing)
    if request.method == "POST" and editable and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "categories"}
        try:
            services.resubmit_filing(filing_id=filing.pk, by=request.user, data=data)
        except (ValidationError, WorkflowError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Resubmitted. Your community reviews it again."))
            return redirect("registry:filing", pk=filing.pk)
    if request.method == "POST" and not editable:
        for reason in why_not_edit:
            messages.error(request, reason)
    return render(
        request,
        "registry/filing.html",
        {
            "filing": filing,
            "form": form,
            "editable": editable,
            "transitions": _history(filing),
        },
    )


@login_required
def annual_report(request, pk):
    org = get_visible_or_404(request.user, Organization.objects.all(), pk)
    if org.pk not in organization_ids(request.user):
        raise PermissionDenied(_("Only the organization's members submit its annual report."))
    form = forms.AnnualReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_annual_report(
                organization_id=org.pk,
                year=data["year"],
                by=request.user,
                summary=data["summary"],
                income=data["income"],
                expenditure=data["expenditure"],
                upload=data.get("file") or None,
            )
        except (ValidationError, WorkflowError) as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The %(year)s annual report of %(name)s was submitted; the conclusion follows.")
                % {"year": data["year"], "name": org.name},
            )
            return redirect("registry:portal")
    reports = visible(request.user, AnnualReport.objects.filter(organization=org))
    return render(
        request, "registry/annual_report.html", {"org": org, "form": form, "reports": reports}
    )


@login_required
def certification(request, pk):
    """A social enterprise's member applies for certification (R7) and follows the result."""
    org = get_visible_or_404(request.user, Organization.objects.all(), pk)
    if org.pk not in organization_ids(request.user):
        raise PermissionDenied(_("Only the organization's members apply for its certification."))
    batch = CertificationBatch.objects.filter(is_open=True).order_by("-year").first()
    applications = list(org.certifications.select_related("batch").order_by("-batch__year"))
    for cert in applications:
        cert.evidence_filename = Path(cert.evidence.name).name if cert.evidence else ""
    why_not_apply = services.why_not_apply_for_certification(organization=org)
    form = forms.CertificationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not why_not_apply and form.is_valid():
        data = form.cleaned_data
        try:
            services.apply_for_certification(
                organization_id=org.pk,
                by=request.user,
                field=data["field"],
                description=data["description"],
                evidence=data.get("evidence") or None,
            )
        except (ValidationError, WorkflowError) as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("registry:certification", pk=org.pk)
    return render(
        request,
        "registry/certification.html",
        {
            "org": org,
            "form": form,
            "batch": batch,
            "applications": applications,
            "why_not_apply": why_not_apply,
        },
    )
