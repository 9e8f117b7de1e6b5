"""Beneficiary satisfaction: survey answers entered or imported from CSV."""

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huitian.access import require
from huitian.validators import check_lengths
from huitian.workflow import WorkflowError
from procurement.error_codes import ErrorCode
from procurement.models import (
    ContractPeriod,
    SurveyResponse,
)
from procurement.models import supervision as m
from procurement.services.evaluation.scores import IMPORT_MAX_ROWS

# --- Satisfaction surveys ---------------------------------------------------------------


def _rating(value, field: str = "rating") -> int:
    try:
        rating = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(
            {field: [_("“%(value)s” is not a rating.") % {"value": value}]}
        ) from None
    if not 1 <= rating <= 5:
        raise ValidationError(
            {field: [_("A rating is from 1 to 5; %(value)s is not.") % {"value": value}]}
        )
    return rating


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {"answered_on": [_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": text}]}
        ) from None


def _period_for_surveys(period_id: int, by) -> ContractPeriod:
    period = ContractPeriod.objects.select_related("contract__project__area").get(pk=period_id)
    require(by, "procurement.evaluate_contract", period.contract.project)
    failed = period.state == ContractPeriod.State.EVALUATED and not period.evaluation_passed
    if period.state != ContractPeriod.State.COMMITTED and not failed:
        raise WorkflowError(
            ErrorCode.NOT_IN_SERVICE,
            _("Survey answers are recorded for a year in service; this one is %(state)s.")
            % {"state": period.get_state_display()},
        )
    return period


def record_survey_response(
    *,
    period_id: int,
    rating,
    by,
    answered_on: datetime.date | None = None,
    comment: str = "",
    source: str = SurveyResponse.Source.ENTERED,
) -> SurveyResponse:
    check_lengths(comment=(comment, m.COMMENT_MAX))
    rating = _rating(rating)
    with transaction.atomic():
        period = _period_for_surveys(period_id, by)
        response = SurveyResponse(
            period=period,
            rating=rating,
            comment=(comment or "").strip(),
            answered_on=answered_on or timezone.localdate(),
            source=source,
            recorded_by=by,
        )
        response._history_user = by
        response.save()
    return response


def import_survey_responses(*, period_id: int, text: str, by) -> list[SurveyResponse]:
    """Import answers from CSV text with the header `rating,answered_on,comment`
    (answered_on as YYYY-MM-DD, may be empty). All rows or none; errors name the row."""
    reader = csv.DictReader(io.StringIO(text or ""))
    if not reader.fieldnames or "rating" not in [f.strip() for f in reader.fieldnames]:
        raise ValidationError({"file": [_("The file needs a “rating” column.")]})
    rows, errors = [], []
    for number, row in enumerate(reader, start=2):
        if number - 1 > IMPORT_MAX_ROWS:
            raise ValidationError(
                {"file": [_("At most %(n)s answers per file.") % {"n": IMPORT_MAX_ROWS}]}
            )
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            rating = _rating(row.get("rating"))
            day = row.get("answered_on") or ""
            answered_on = _day(day) if day else timezone.localdate()
            comment = row.get("comment", "")
            check_lengths(comment=(comment, m.COMMENT_MAX))
        except ValidationError as exc:
            errors.append(
                _("Row %(n)s: %(error)s") % {"n": number, "error": "; ".join(exc.messages)}
            )
            continue
        rows.append((rating, answered_on, comment))
    if errors:
        raise ValidationError({"file": errors})
    if not rows:
        raise ValidationError({"file": [_("The file has no answers.")]})
    with transaction.atomic():
        period = _period_for_surveys(period_id, by)
        return [
            record_survey_response(
                period_id=period.pk,
                rating=rating,
                answered_on=answered_on,
                comment=comment,
                source=SurveyResponse.Source.IMPORTED,
                by=by,
            )
            for rating, answered_on, comment in rows
        ]
