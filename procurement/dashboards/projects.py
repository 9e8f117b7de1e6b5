"""Purchase-project panels: projects by state, money planned / committed / paid, the
evaluation grades, and open projects near their application deadline (linking to the
admin's list). Counted through `q.scoped(...)` by the project's (purchaser's) area and
rolled up to the chosen area's children: a fixed number of queries per panel."""

import datetime

from django.db.models import Count, F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from huitian.dashboards import Column, Query, Table
from procurement.models import PurchaseProject
from procurement.models.contracts import ContractPeriod, EvaluationGrade, Installment

AREA = Column("area", _("area"), series=False, kind="text")
State = PurchaseProject.State
# Days before the application deadline from which an open project is "near" it.
NEAR_DEADLINE_DAYS = 7


def projects_by_state(q: Query) -> Table:
    """Projects created in the period, by their state today, per child area."""
    raw = (
        q.scoped(PurchaseProject.objects.all(), "area")
        .filter(q.period.q("created_at"))
        .values("area_id", "state")
        .annotate(n=Count("pk"))
    )
    zero = dict.fromkeys(State.values, 0)
    rows = q.roll_up([zero | {r["state"]: r["n"]} | r for r in raw], "area_id", State.values)
    present = [s for s in State if any(row[s.value] for row in rows)]
    return Table(
        columns=[AREA, *(Column(s.value, s.label) for s in present)],
        rows=rows,
        note=_("Projects created in the period, in the state they are in today."),
    )


def project_money(q: Query) -> Table:
    """Contract years of the period's first year per child area (yuan): the amount
    planned, what the ledger committed (net of releases) and what it paid."""
    year = q.period.start.year
    periods = q.scoped(ContractPeriod.objects.all(), "contract__project__area").filter(
        start_date__year=year
    )
    planned = periods.values(area_id=F("contract__project__area_id")).annotate(
        planned=Sum("amount"), committed=Sum("committed_movement__entries__amount")
    )
    installments = q.scoped(Installment.objects.all(), "period__contract__project__area").filter(
        period__start_date__year=year
    )
    paid = installments.values(area_id=F("period__contract__project__area_id")).annotate(
        paid=Sum("paid_movement__entries__amount")
    )
    released = installments.values(area_id=F("period__contract__project__area_id")).annotate(
        released=Sum("released_movement__entries__amount")
    )
    raw = [
        {"area_id": r["area_id"], "planned": r["planned"], "committed": r["committed"] or 0}
        for r in planned
    ]
    raw += [{"area_id": r["area_id"], "paid": r["paid"] or 0} for r in paid]
    raw += [{"area_id": r["area_id"], "committed": -(r["released"] or 0)} for r in released]
    keys = ["planned", "committed", "paid"]
    rows = q.roll_up([{k: 0 for k in keys} | r for r in raw], "area_id", keys)
    for row in rows:
        for k in keys:
            row[k] = float(row[k])
    return Table(
        columns=[
            AREA,
            Column("planned", _("planned in contracts"), kind="money"),
            Column("committed", _("committed"), kind="money"),
            Column("paid", _("paid"), kind="money"),
        ],
        rows=[r for r in rows if any(r[k] for k in keys)],
        note=_("Contract years starting in the year the period starts in (yuan)."),
    )


def evaluation_grades(q: Query) -> Table:
    """Contract years evaluated in the period, by grade, per child area."""
    raw = (
        q.scoped(ContractPeriod.objects.exclude(evaluation_grade=""), "contract__project__area")
        .filter(q.period.q("evaluated_at"))
        .values("evaluation_grade", area_id=F("contract__project__area_id"))
        .annotate(n=Count("pk"))
    )
    grades = EvaluationGrade.values
    rows = q.roll_up(
        [
            dict.fromkeys(grades, 0) | r | {r["evaluation_grade"]: r["n"]}
            for r in raw
            if r["evaluation_grade"] in grades
        ],
        "area_id",
        grades,
    )
    return Table(
        columns=[AREA, *(Column(g.value, g.label) for g in EvaluationGrade)],
        rows=rows,
    )


def projects_near_deadline(q: Query) -> Table:
    """Projects open for applications whose deadline has passed (to close and review)
    or falls within a week, per child area (today, whatever the period)."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=NEAR_DEADLINE_DAYS)
    raw = (
        q.scoped(PurchaseProject.objects.filter(state=State.OPEN), "area")
        .values("area_id")
        .annotate(
            past=Count("pk", filter=Q(application_deadline__lt=today)),
            near=Count(
                "pk", filter=Q(application_deadline__gte=today, application_deadline__lte=soon)
            ),
        )
    )
    rows = [r for r in q.roll_up(raw, "area_id", ["past", "near"]) if r["past"] or r["near"]]
    # The admin's list of open projects shows each deadline and closes applications.
    queue = reverse("admin:procurement_purchaseproject_changelist")
    queue += "?" + urlencode({"state__exact": State.OPEN})
    return Table(
        columns=[
            AREA,
            Column("past", _("deadline passed, still open")),
            Column("near", _("deadline within a week")),
        ],
        rows=rows,
        note=_("Projects open for applications today, whatever the period."),
        links=[{"label": _("open projects in the admin"), "url": queue}],
    )
