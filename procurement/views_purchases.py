"""Portal pages for organizations in government purchase of services (P8): open projects
they are eligible for, applying (street federations: jointly for a filed group of their
street), signing the contract, reporting milestones, and their installments and payments.

Thin views: the scoping door finds the records, the services decide and refuse."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from huitian.access import get_visible_or_404, organization_ids
from huitian.forms import SERVICE_ERRORS, PortalFormMixin, apply_service_errors
from procurement.models import Contract, Installment, PurchaseProject
from procurement.models.contracts import TEXT_MAX
from procurement.models.projects import PROPOSAL_MAX
from procurement.selectors import projects as sel
from procurement.services import contracts as contract_svc
from procurement.services import projects as svc


class ApplyForm(PortalFormMixin, forms.Form):
    proposal = forms.CharField(
        label=gettext_lazy("service proposal"),
        max_length=PROPOSAL_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    quoted_amount = forms.CharField(label=gettext_lazy("quoted amount (yuan)"), max_length=20)


class SignForm(PortalFormMixin, forms.Form):
    no_subcontracting = forms.BooleanField(
        label=gettext_lazy(
            "We will not pass the service on to another party (不得转包) and will not "
            "subcontract its core service."
        ),
        required=False,
    )


class MilestoneForm(PortalFormMixin, forms.Form):
    installment = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=gettext_lazy("what was delivered"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = forms.FileField(label=gettext_lazy("attachment"), required=False)


def _applicant_orgs(request):
    orgs = sel.applicant_organizations(request.user)
    if not orgs:
        raise Http404
    return orgs


@login_required
def purchases_home(request):
    """Open projects the user's organizations may apply for, their applications, contracts."""
    _applicant_orgs(request)
    return render(
        request,
        "procurement/purchases/home.html",
        {
            "open": sel.open_projects_for(request.user),
            "applications": sel.applications_for(request.user).order_by("-submitted_at")[:50],
            "contracts": sel.contracts_for(request.user).order_by("-created_at")[:50],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_apply(request, pk, org):
    """Apply for an open project for one organization (jointly: its street federation)."""
    orgs = {o.pk: o for o in _applicant_orgs(request)}
    organization = orgs.get(org)
    if organization is None:
        raise Http404
    project = sel.open_projects().filter(pk=pk).first()
    if project is None:
        raise Http404
    joint = organization.pk not in organization_ids(request.user)
    problems = svc.eligibility_problems(organization, project, joint=joint)
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.apply(
                project,
                organization=organization,
                by=request.user,
                joint=joint,
                **form.cleaned_data,
            )
        except SERVICE_ERRORS as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your application is submitted."))
            return redirect("procurement:purchases")
    return render(
        request,
        "procurement/purchases/apply.html",
        {
            "project": project,
            "organization": organization,
            "joint": joint,
            "problems": problems,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_detail(request, pk):
    """The contract: sign it, report milestones, see installments and payments."""
    contract = get_visible_or_404(request.user, Contract.objects.all(), pk)
    contract = sel.contract_detail(contract.pk)
    sign_form = SignForm(request.POST if request.POST.get("do") == "sign" else None)
    report_form = MilestoneForm(
        request.POST if request.POST.get("do") == "report" else None,
        request.FILES if request.POST.get("do") == "report" else None,
    )
    if request.method == "POST":
        done = None
        if request.POST.get("do") == "sign" and sign_form.is_valid():
            try:
                contract_svc.sign_as_organization(
                    contract,
                    by=request.user,
                    no_subcontracting=sign_form.cleaned_data["no_subcontracting"],
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(sign_form, exc)
            else:
                done = _("You signed the contract; the purchaser countersigns next.")
        elif request.POST.get("do") == "report" and report_form.is_valid():
            d = report_form.cleaned_data
            installment = Installment.objects.filter(
                pk=d["installment"], period__contract=contract
            ).first()
            if installment is None:
                raise Http404
            try:
                contract_svc.submit_milestone_report(
                    installment, by=request.user, text=d["text"], attachment=d["attachment"]
                )
            except SERVICE_ERRORS as exc:
                apply_service_errors(report_form, exc)
            else:
                done = _("Your milestone report is submitted.")
        if done:
            messages.success(request, done)
            return redirect("procurement:purchase-contract", pk=contract.pk)
    may_sign = contract.state == Contract.State.DRAFT and request.user.has_perm(
        "procurement.act_for_contractor", contract
    )
    may_report = contract.state == Contract.State.IN_SERVICE and request.user.has_perm(
        "procurement.act_for_contractor", contract
    )
    periods = list(contract.periods.all())
    paid = sum((i.paid_amount or 0) for p in periods for i in p.installments.all())
    return render(
        request,
        "procurement/purchases/contract.html",
        {
            "contract": contract,
            "periods": periods,
            "paid": paid,
            "sign_form": sign_form,
            "report_form": report_form,
            "may_sign": may_sign,
            "may_report": may_report,
            "open_state": PurchaseProject.State.OPEN,
        },
    )
