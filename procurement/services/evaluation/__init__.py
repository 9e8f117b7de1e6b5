"""Supervision, post-evaluation, payment by score and settlement (P8, item 6).

- Process supervision (过程督导): `record_visit`, `open_corrective_action`,
  `close_corrective_action`. A major project (budget from
  `settings.PURCHASE_MAJOR_PROJECT_THRESHOLD`) is not evaluated without a visit; no
  project is evaluated while one of its corrective actions is open.
- Satisfaction surveys: `record_survey_response`, `import_survey_responses`.
- `evaluate_period`: one contract year scored (quantity, quality, satisfaction →
  overall score and grade); the period and project take their `evaluate` steps; the
  grade is recorded as a credit event. A failed year is corrected and evaluated
  again: a new `Evaluation` row.
- `pay_final_installment`: the final installment by the score
  (`settings.PURCHASE_FINAL_PAYMENT_SCHEDULE`), the unpaid part released back to
  the budget; below the last floor it is withheld until a passing re-evaluation.
- `settle_period`: the year is settled; the last year completes the contract and
  settles the project.

`evaluation_problems(period)` says why a year cannot be evaluated now (screens show it).

Split by concept: `scores`, `supervision`, `surveys`, `evaluation`, `payment`; this
package re-exports what callers import."""

from procurement.services.evaluation.evaluation import (  # noqa: F401
    evaluate_period,
    evaluation_problems,
    latest_evaluation,
)
from procurement.services.evaluation.payment import (  # noqa: F401
    pay_final_installment,
    settle_period,
)
from procurement.services.evaluation.scores import (  # noqa: F401
    CENT,
    DEFAULT_SCHEDULE,
    DEFAULT_WEIGHTS,
    GRADE_EFFECTS,
    GRADE_FLOORS,
    HUNDRED,
    IMPORT_MAX_ROWS,
    final_payment_percent,
    grade_for,
    overall_score,
    payment_schedule,
    satisfaction,
    weights,
)
from procurement.services.evaluation.supervision import (  # noqa: F401
    close_corrective_action,
    open_corrective_action,
    record_visit,
    reopen_corrective_action,
)
from procurement.services.evaluation.surveys import (  # noqa: F401
    import_survey_responses,
    record_survey_response,
)
