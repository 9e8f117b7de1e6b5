"""The whistle page: staff raise calls, organizations respond."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from huitian.forms import SERVICE_ERRORS, apply_service_errors
from procurement import selectors
from procurement.forms import (
    RespondForm,
)
from procurement.services import whistle as whistle_svc


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
