"""The one bridge from a service's refusal to a form's field errors.

Services raise `ValidationError` (field → messages) or `WorkflowError` (code,
reason, optional fields). Portal views and admin forms call
`apply_service_errors(form, exc)` so every screen shows the service's own
reasons beside the fields they concern; no form repeats a rule.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from huitian.workflow import WorkflowError

SERVICE_ERRORS = (ValidationError, WorkflowError, PermissionDenied)


def apply_service_errors(form, exc: Exception) -> None:
    """Put a service refusal on `form`: by field where the service named one."""

    def _put(field, messages):
        form.add_error(field if field in form.fields else None, messages)

    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            _put(field, errors)
    elif isinstance(exc, WorkflowError):
        form.add_error(None, str(exc.detail))
        for field, messages in exc.fields.items():
            _put(field, messages)
    elif isinstance(exc, PermissionDenied):
        form.add_error(None, str(getattr(exc, "detail", "") or exc))
    else:
        form.add_error(None, getattr(exc, "messages", [str(exc)]))
