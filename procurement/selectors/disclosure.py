"""Disclosure of purchases of services (D2, issue 9 item 7): what the public reads, and
the staff's audit trail of one project.

Public: projects once their pre-review passed (never drafts, pre-review or rejected
ones), their award, contract, yearly payments and evaluation results — organizations
by name, never a person, a phone or a bank account. The audit trail (staff, scoped by
`huitian.access.visible`): every recorded transition of the project and of the records
under it, and every ledger movement they caused, in time order; exportable to xlsx.
"""

import contextlib
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import get_visible_or_404
from huitian.models import LedgerEntry, LedgerMovement, Transition
from procurement.models import (
    Award,
    Contract,
    ContractPeriod,
    CorrectiveAction,
    Evaluation,
    Installment,
    MilestoneReport,
    ProjectApplication,
    PurchaseProject,
    SpotCheckItem,
    SupervisionVisit,
)

S = PurchaseProject.State
PUBLIC_STATES = [
    S.PASSED,
    S.OPEN,
    S.UNDER_REVIEW,
    S.AWARDED,
    S.CONTRACTED,
    S.IN_SERVICE,
    S.EVALUATED,
    S.SETTLED,
]


def public_projects():
    """Projects the public reads: pre-review passed, or cancelled after opening."""
    return (
        PurchaseProject.objects.filter(
            Q(state__in=PUBLIC_STATES) | Q(state=S.CANCELLED, opened_at__isnull=False)
        )
        .select_related("area", "category", "award__application__organization")
        .order_by("-created_at", "-pk")
    )


@dataclass
class PublicYear:
    index: int
    start_date: datetime.date
    end_date: datetime.date
    amount: Decimal
    paid: Decimal
    score: Decimal | None
    grade: str
    grade_passed: bool
    evaluated_at: datetime.datetime | None


@dataclass
class PublicProject:
    project: PurchaseProject
    award: Award | None
    contract: Contract | None
    years: list[PublicYear]
    applicants: int


def public_project(pk) -> PublicProject:
    project = get_object_or_404(public_projects(), pk=pk)
    award = getattr(project, "award", None)
    contract = (
        Contract.objects.select_related("organization").filter(project=project).first()
        if award is not None
        else None
    )
    years = []
    if contract is not None:
        periods = contract.periods.annotate(
            paid=Sum("installments__paid_amount", filter=Q(installments__state="paid"))
        ).order_by("index")
        years = [
            PublicYear(
                index=p.index,
                start_date=p.start_date,
                end_date=p.end_date,
                amount=p.amount,
                paid=p.paid or Decimal("0.00"),
                score=p.evaluation_score,
                grade=p.get_evaluation_grade_display() if p.evaluation_grade else "",
                grade_passed=p.evaluation_passed,
                evaluated_at=p.evaluated_at,
            )
            for p in periods
        ]
    applicants = project.applications.exclude(state=ProjectApplication.State.WITHDRAWN).count()
    return PublicProject(project, award, contract, years, applicants)


def evaluation_results():
    """Every evaluated contract year of a public project, latest first (public)."""
    return (
        ContractPeriod.objects.filter(
            evaluated_at__isnull=False, contract__project__in=public_projects().values("pk")
        )
        .select_related("contract__organization", "contract__project__area")
        .order_by("-evaluated_at", "-pk")
    )


# --- The audit trail (staff) ---------------------------------------------------------


@dataclass
class AuditLine:
    at: datetime.datetime
    kind: str  # "transition" or "ledger"
    record: str
    what: str
    amount: Decimal | None
    by: str
    note: str

    def row(self) -> list:
        return [
            timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M:%S"),
            self.kind,
            self.record,
            self.what,
            self.amount,
            self.by,
            self.note,
        ]


def _related(project: PurchaseProject) -> dict[type, list[int]]:
    """Every record under the project whose steps and money belong to its trail."""
    contract_ids = list(Contract.objects.filter(project=project).values_list("pk", flat=True))
    period_ids = list(
        ContractPeriod.objects.filter(contract__in=contract_ids).values_list("pk", flat=True)
    )
    installment_ids = list(
        Installment.objects.filter(period__in=period_ids).values_list("pk", flat=True)
    )
    return {
        PurchaseProject: [project.pk],
        ProjectApplication: list(project.applications.values_list("pk", flat=True)),
        Award: list(Award.objects.filter(project=project).values_list("pk", flat=True)),
        Contract: contract_ids,
        ContractPeriod: period_ids,
        Installment: installment_ids,
        MilestoneReport: list(
            MilestoneReport.objects.filter(installment__in=installment_ids).values_list(
                "pk", flat=True
            )
        ),
        SupervisionVisit: list(
            SupervisionVisit.objects.filter(contract__in=contract_ids).values_list("pk", flat=True)
        ),
        CorrectiveAction: list(
            CorrectiveAction.objects.filter(visit__contract__in=contract_ids).values_list(
                "pk", flat=True
            )
        ),
        Evaluation: list(
            Evaluation.objects.filter(period__in=period_ids).values_list("pk", flat=True)
        ),
        SpotCheckItem: list(
            SpotCheckItem.objects.filter(contract__in=contract_ids).values_list("pk", flat=True)
        ),
    }


def _step_words(model, transition) -> str:
    """“Step label: from → to” in the reader's language (the names when unknown)."""
    flow = getattr(model, "FLOW", None)
    step = transition.step
    with contextlib.suppress(KeyError):
        step = str(flow[step].label or step) if flow is not None else step
    field = model._meta.get_field(flow.field if flow is not None else "state")
    states = {k: str(v) for k, v in field.flatchoices}
    before = states.get(transition.from_state, transition.from_state)
    after = states.get(transition.to_state, transition.to_state)
    return f"{step}: {before} → {after}"


def _who(user) -> str:
    return user.get_username() if user is not None else _("system")


def audit_trail(user, pk) -> tuple[PurchaseProject, list[AuditLine]]:
    """The project (if the user may see it; 404 otherwise) and its trail in time order."""
    project = get_visible_or_404(user, PurchaseProject.objects.all(), pk)
    related = _related(project)
    types = ContentType.objects.get_for_models(*related)
    match = Q(pk__in=[])
    for model, ids in related.items():
        if ids:
            match |= Q(content_type=types[model], object_id__in=ids)
    lines = []
    for t in Transition.objects.filter(match).select_related("by", "content_type"):
        model = t.content_type.model_class()
        lines.append(
            AuditLine(
                at=t.at,
                kind="transition",
                record=f"{model._meta.verbose_name} #{t.object_id}",
                what=_step_words(model, t),
                amount=None,
                by=_who(t.by),
                note=t.note,
            )
        )
    causes = Q(pk__in=[])
    for model, ids in related.items():
        if ids:
            causes |= Q(cause_type=types[model], cause_id__in=ids)
    movements = list(LedgerMovement.objects.filter(causes).select_related("by", "cause_type"))
    entries = LedgerEntry.objects.filter(movement__in=movements).select_related("debit", "credit")
    legs: dict[int, list[LedgerEntry]] = {}
    for entry in entries.order_by("pk"):
        legs.setdefault(entry.movement_id, []).append(entry)
    for movement in movements:
        model = movement.cause_type.model_class()
        for entry in legs.get(movement.pk, []):
            lines.append(
                AuditLine(
                    at=movement.at,
                    kind="ledger",
                    record=f"{model._meta.verbose_name} #{movement.cause_id}",
                    what=f"{movement.get_kind_display()}: {entry.credit.name} → {entry.debit.name}",
                    amount=entry.amount,
                    by=_who(movement.by),
                    note=movement.note,
                )
            )
    lines.sort(key=lambda line: (line.at, line.kind != "transition"))
    return project, lines


def audit_xlsx(project: PurchaseProject, lines: list[AuditLine]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Audit trail"))
    sheet.append([project.title])
    sheet.append(
        [
            str(_("At")),
            str(_("Kind")),
            str(_("Record")),
            str(_("What")),
            str(_("Amount (yuan)")),
            str(_("By")),
            str(_("Note")),
        ]
    )
    for line in lines:
        sheet.append(line.row())
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
