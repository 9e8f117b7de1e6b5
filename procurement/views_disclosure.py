"""Public disclosure of purchases of services (D2): projects, awards, contracts and
evaluation results, for anyone; and the staff's audit trail of one project (scoped),
exportable to xlsx. No personal data and no bank details on the public pages."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from procurement.selectors import disclosure as sel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def purchases_public(request):
    page = Paginator(sel.public_projects(), 20).get_page(request.GET.get("page"))
    return render(request, "procurement/disclosure/projects.html", {"page": page})


def purchase_public(request, pk):
    return render(request, "procurement/disclosure/project.html", {"view": sel.public_project(pk)})


def evaluations_public(request):
    page = Paginator(sel.evaluation_results(), 20).get_page(request.GET.get("page"))
    return render(request, "procurement/disclosure/evaluations.html", {"page": page})


@login_required
def purchase_audit(request, pk):
    """Every transition and ledger entry of a project in order (staff of its area)."""
    project, lines = sel.audit_trail(request.user, pk)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(sel.audit_xlsx(project, lines), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="purchase-{project.pk}-audit.xlsx"'
        return response
    return render(
        request, "procurement/disclosure/audit.html", {"project": project, "lines": lines}
    )
