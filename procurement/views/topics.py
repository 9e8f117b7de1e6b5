"""A topic's candidate organizations (matching), for staff and the candidates' members."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from huitian.access import get_visible_or_404, is_staff_user
from huitian.forms import SERVICE_ERRORS, apply_service_errors
from procurement import selectors
from procurement.forms import (
    ConfirmMatchForm,
)
from procurement.services import matching


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
