"""OCDS 1.1 release package of the public purchase projects (D2, issue 9 item 7).

One release per project that has gone public (pre-review passed; never a draft, one
in pre-review, or one rejected there): planning (its budget), tender (standard,
quantity, application period, number of applicants), the award, the contract with its
yearly evaluations as assessment milestones and its paid installments as transactions.

What is never in it: people (no user, contact, phone, ID), bank details, the
reviewers' scores, losing applicants' names. Organizations appear by their public
name and unified social credit code (CN-USCC). The ocid prefix is
`settings.OCDS_OCID_PREFIX`. The official schemas are vendored in
`procurement/ocds_schema/` (tests validate the export against them).
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from procurement.models import Contract, ContractPeriod, Installment, PurchaseProject
from procurement.selectors import disclosure

OCDS_VERSION = "1.1"
SCHEMA_DIR = Path(__file__).resolve().parent / "ocds_schema"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
CURRENCY = "CNY"
PUBLISHER = "回天地区社会组织服务平台"
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
S = PurchaseProject.State
TENDER_STATUS = {
    S.PASSED: "planned",
    S.OPEN: "active",
    S.UNDER_REVIEW: "active",
    S.CANCELLED: "cancelled",
}
CONTRACT_STATUS = {
    Contract.State.DRAFT: "pending",
    Contract.State.ORG_SIGNED: "pending",
    Contract.State.SIGNED: "active",
    Contract.State.IN_SERVICE: "active",
    Contract.State.COMPLETED: "terminated",
    Contract.State.TERMINATED: "terminated",
}


def public_projects():
    """The projects the public reads (`selectors.disclosure`), with what OCDS shows."""
    paid = Installment.objects.filter(state=Installment.State.PAID).order_by("paid_at", "pk")
    periods = ContractPeriod.objects.order_by("index").prefetch_related(
        Prefetch("installments", queryset=paid, to_attr="paid_installments")
    )
    return (
        disclosure.public_projects()
        .select_related("budget__source", "contract__organization")
        .prefetch_related(Prefetch("contract__periods", queryset=periods))
        .annotate(applicants=Count("applications", filter=~Q(applications__state="withdrawn")))
    )


def ocid(project: PurchaseProject) -> str:
    return f"{settings.OCDS_OCID_PREFIX}-{project.pk}"


def _money(amount) -> dict:
    return {"amount": float(Decimal(amount)), "currency": CURRENCY}


def _when(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return datetime.datetime.combine(value, datetime.time(), BEIJING).isoformat()


def _buyer(project) -> dict:
    return {"id": f"CN-AREA-{project.area.code}", "name": project.purchaser_name}


def _org_ref(org) -> dict:
    ref = {"id": f"CN-USCC-{org.uscc}" if org.uscc else f"HT-ORG-{org.pk}", "name": org.name}
    return ref


def _party(ref: dict, roles: list[str], org=None) -> dict:
    party = {**ref, "roles": roles}
    if org is not None and org.uscc:
        party["identifier"] = {"scheme": "CN-USCC", "id": org.uscc, "legalName": org.name}
    return party


def _contract(project, contract) -> dict:
    buyer = _buyer(project)
    supplier = _org_ref(contract.organization)
    transactions, milestones = [], []
    for period in contract.periods.all():
        for installment in period.paid_installments:
            transactions.append(
                {
                    "id": f"installment-{installment.pk}",
                    "date": _when(installment.paid_at),
                    "value": _money(installment.paid_amount),
                    "payer": buyer,
                    "payee": supplier,
                }
            )
        if period.evaluated_at is not None:
            milestones.append(
                {
                    "id": f"evaluation-{period.pk}",
                    "title": f"第{period.index}年绩效评价",
                    "type": "assessment",
                    "status": "met" if period.evaluation_passed else "notMet",
                    "dateMet": _when(period.evaluated_at),
                    "description": (
                        f"{period.evaluation_score}（{period.get_evaluation_grade_display()}）"
                    ),
                }
            )
    data = {
        "id": contract.number,
        "awardID": f"award-{project.pk}",
        "title": project.title,
        "status": CONTRACT_STATUS.get(contract.state, "pending"),
        "value": _money(contract.amount),
        "period": {"startDate": _when(contract.start_date), "endDate": _when(contract.end_date)},
    }
    if contract.signed_at:
        data["dateSigned"] = _when(contract.signed_at)
    if transactions or milestones:
        data["implementation"] = {"transactions": transactions, "milestones": milestones}
    return data


def release(project: PurchaseProject) -> dict:
    """The project as one OCDS release (everything public it has reached)."""
    buyer = _buyer(project)
    parties = [_party(buyer, ["buyer", "procuringEntity", "payer"])]
    tags = ["planning", "tender"]
    tender = {
        "id": f"tender-{project.pk}",
        "title": project.title,
        "description": project.service_standard,
        "status": TENDER_STATUS.get(project.state, "complete"),
        "procurementMethod": "open",
        "mainProcurementCategory": "services",
        "value": _money(project.budget_amount),
        "procuringEntity": buyer,
        "items": [
            {
                "id": "1",
                "description": project.title,
                "quantity": project.quantity,
                "unit": {"name": project.unit},
                **(
                    {
                        "classification": {
                            "scheme": "HT-CATEGORY",
                            "id": str(project.category_id),
                            "description": project.category.name,
                        }
                    }
                    if project.category_id
                    else {}
                ),
            }
        ],
        "numberOfTenderers": project.applicants,
    }
    if project.opened_at:
        tender["tenderPeriod"] = {
            "startDate": _when(project.opened_at),
            **(
                {"endDate": _when(project.application_deadline)}
                if project.application_deadline
                else {}
            ),
        }
    data = {
        "ocid": ocid(project),
        "id": f"{ocid(project)}-{project.pk}",
        "date": None,
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "buyer": buyer,
        "planning": {
            "budget": {
                "id": f"budget-{project.budget_id}",
                "description": f"{project.budget.year} {project.budget.source.name}",
                "amount": _money(project.budget_amount),
                "project": project.title,
            }
        },
        "tender": tender,
    }
    award = getattr(project, "award", None)
    if award is not None:
        org = award.application.organization
        supplier = _org_ref(org)
        parties.append(_party(supplier, ["supplier", "tenderer", "payee"], org))
        tags.append("award")
        data["awards"] = [
            {
                "id": f"award-{project.pk}",
                "title": project.title,
                "description": award.reason,
                "status": "cancelled" if project.state == S.CANCELLED else "active",
                "date": _when(award.awarded_at),
                "value": _money(award.application.quoted_amount),
                "suppliers": [supplier],
            }
        ]
    contract = getattr(project, "contract", None)
    if contract is not None and award is not None:
        tags.append("contract")
        data["contracts"] = [_contract(project, contract)]
        if "implementation" in data["contracts"][0]:
            tags.append("implementation")
    data["parties"] = parties
    data["date"] = _when(_last_change(project))
    data["id"] = f"{data['ocid']}-{timezone.localtime(_last_change(project)):%Y%m%d%H%M%S}"
    return data


def _last_change(project) -> datetime.datetime:
    moments = [project.created_at, project.opened_at, project.pre_reviewed_at]
    award = getattr(project, "award", None)
    if award is not None:
        moments.append(award.awarded_at)
    contract = getattr(project, "contract", None)
    if contract is not None:
        moments.append(contract.signed_at)
        for period in contract.periods.all():
            moments.append(period.evaluated_at)
            moments += [i.paid_at for i in period.paid_installments]
    return max(m for m in moments if m is not None)


def release_package(projects, *, uri: str) -> dict:
    releases = [release(p) for p in projects]
    published = max((r["date"] for r in releases), default=None) or _when(timezone.now())
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published,
        "publisher": {"name": PUBLISHER},
        "releases": releases,
    }


def schemas() -> tuple[dict, dict]:
    """The vendored official schemas: (release package, release)."""
    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text("utf-8"))
    single = json.loads((SCHEMA_DIR / "release-schema.json").read_text("utf-8"))
    return package, single
