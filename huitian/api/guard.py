"""What the kernel's router adds to every viewset an app plugs into /api/v1/.

A viewset may declare its own permissions (`permission_classes = [AllowAny]`, a
`get_permissions()` override) and read query parameters by hand; the kernel's rules
still hold, because the router registers each viewset behind `KernelGuard`:

- read-only roles write nothing (`ReadOnlyRolesWriteNothing`, whatever else is declared);
- a query parameter carrying NUL is a 400 naming the parameter (PostgreSQL refuses NUL
  in a string literal: a hand-written `.filter(code=request.query_params[...])` was a 500);
- detail routes take whole-number ids only, so "abc" is the API's 404 on every action.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from huitian.api.permissions import ReadOnlyRolesWriteNothing

# Record ids are whole numbers (BigAutoField everywhere). A path converter, so the
# schema still says "integer" (the kernel's router builds its routes with path()).
NUMERIC_ID = "int"


class KernelGuard:
    def get_permissions(self):
        chosen = list(super().get_permissions())
        if not any(isinstance(p, ReadOnlyRolesWriteNothing) for p in chosen):
            chosen.append(ReadOnlyRolesWriteNothing())
        return chosen

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        refused = {
            name: [_("The text contains a NUL character, which cannot be stored.")]
            for name, values in request.query_params.lists()
            if "\x00" in name or any("\x00" in value for value in values)
        }
        if refused:
            raise ValidationError(refused)


def guarded(viewset: type) -> type:
    """`viewset` behind `KernelGuard`, under the same name, module and docstring.

    Its detail routes take numeric ids only, unless it looks records up by another
    field or declares its own pattern.
    """
    if issubclass(viewset, KernelGuard):
        return viewset
    attrs = {
        "__module__": viewset.__module__,
        "__qualname__": viewset.__qualname__,
        "__doc__": viewset.__doc__,
    }
    if (
        getattr(viewset, "lookup_field", "pk") == "pk"
        and not getattr(viewset, "lookup_value_regex", None)
        and not getattr(viewset, "lookup_value_converter", None)
    ):
        attrs["lookup_value_converter"] = NUMERIC_ID
    return type(viewset.__name__, (KernelGuard, viewset), attrs)
