"""Reads of grade evaluation (C3) and its uses (C7): purchase priority, simplified inspection."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import Appeal, Evaluation, GradeModel
from credit.models.grades import INDICATOR_LABELS, INDICATOR_MAX, INDICATORS
from credit.selectors.settings import credit_settings

PRIORITY_MIN_GRADE = 3  # 3A and above are preferred in purchases
SIMPLIFIED_MIN_GRADE = 4  # 4A and above get the simplified annual inspection


def current_grade_model() -> GradeModel | None:
    return GradeModel.objects.order_by("-version").first()


def current_grades(organization_ids, *, today: datetime.date | None = None) -> dict:
    """{org id: the awarded evaluation whose grade is in force today} (one query)."""
    today = today or timezone.localdate()
    rows = (
        Evaluation.objects.filter(
            organization_id__in=list(organization_ids),
            state=Evaluation.State.AWARDED,
            grade__gte=1,
            awarded_on__lte=today,
            valid_until__gt=today,
        )
        .select_related("round")
        .order_by("organization_id", "-awarded_on", "-pk")
    )
    out: dict[int, Evaluation] = {}
    for row in rows:
        out.setdefault(row.organization_id, row)
    return out


def purchase_priority(organization_ids, *, today: datetime.date | None = None) -> dict[int, int]:
    """Priority points in purchase application scoring: {org id: points} for every
    organization asked about (0 below 3A or without a grade in force)."""
    ids = list(organization_ids)
    points = credit_settings().purchase_priority_points
    grades = current_grades(ids, today=today)
    return {
        pk: points if pk in grades and grades[pk].grade >= PRIORITY_MIN_GRADE else 0 for pk in ids
    }


def simplified_inspection(organization, *, today: datetime.date | None = None) -> bool:
    """4A and above (in force) get the simplified annual inspection."""
    grade = current_grades([organization.pk], today=today).get(organization.pk)
    return grade is not None and grade.grade >= SIMPLIFIED_MIN_GRADE


def grade_breakdown(evaluation: Evaluation) -> list[dict]:
    """The indicator scores in words: what each is, its points of its maximum."""
    rows = []
    for name in INDICATORS:
        value = getattr(evaluation, f"score_{name}")
        rows.append(
            {
                "indicator": name,
                "label": str(INDICATOR_LABELS[name]),
                "points": str(value) if value is not None else None,
                "max": INDICATOR_MAX[name],
                "why": _("%(label)s: %(points)s of %(max)d points")
                % {
                    "label": INDICATOR_LABELS[name],
                    "points": value if value is not None else "—",
                    "max": INDICATOR_MAX[name],
                },
            }
        )
    return rows


def evaluations_for(user) -> QuerySet:
    """Evaluations the user may see: staff of the area, the members, the assigned evaluator."""
    from huitian.access import visible

    return visible(user, Evaluation.objects.all()).select_related(
        "organization", "round", "evaluator"
    )


def upheld_grade_appeals(organization_id: int) -> list[Appeal]:
    """The organization's grade appeals the registration body upheld, newest first, each
    with `decided_at` and its evaluation (public: a correction of a public record)."""
    from huitian.models import Transition

    decided = Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(Appeal),
        object_id=OuterRef("pk"),
        step="uphold",
    ).values("at")[:1]
    return list(
        Appeal.objects.filter(
            organization_id=organization_id, grade__isnull=False, state=Appeal.State.UPHELD
        )
        .select_related("grade__round")
        .annotate(decided_at=Subquery(decided))
        .order_by("-pk")
    )
