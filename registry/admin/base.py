"""What every registry staff screen shares: scoped lists, actions that call services one
row at a time, the intermediate page that asks for a reason first."""

import contextlib

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.utils.translation import ngettext, pgettext_lazy

from huitian.admin_base import ScopedAdmin


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=pgettext_lazy("registry decision", "Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegistryAdmin(ScopedAdmin):
    """Registry screens: read-only users get no actions; skipped rows are said, not dropped."""

    empty_value_display = "—"  # the same dash the computed columns use
    # The rule a change of a row needs on its organization (none: the scope decides).
    change_rule: str = ""

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or not self.change_rule:
            return allowed
        return request.user.has_perm(self.change_rule, obj.organization)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.has_change_permission(request):
            return {}  # auditors read; an action list would only do nothing
        return actions

    @contextlib.contextmanager
    def refused_beside(self, field: str):
        """A service's "not allowed here" shown beside the field that chose the record."""
        try:
            yield
        except PermissionDenied as exc:
            raise ValidationError({field: [str(getattr(exc, "detail", exc))]}) from exc

    def render_action_form(self, request, queryset, form, title, action):
        """The intermediate page of an action that asks for a reason or a code first."""
        return render(
            request,
            "admin/registry/action_form.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": action,
                "opts": self.model._meta,
            },
        )

    def with_action_form(self, request, queryset, form_class, title, action, handler):
        """Ask for the action's form first; once valid, `handler(cleaned_data)` runs it."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                handler(form.cleaned_data)
                return None
        else:
            form = form_class()
        return self.render_action_form(request, queryset, form, title, action)

    def run_each(self, request, queryset, func, success, *, id_kwarg, label=str, **kwargs):
        """Call `func` for every writable selected row; one message per row."""
        for row in self.writable_queryset(request, queryset):
            self.run_service(
                request,
                func,
                **{id_kwarg: row.pk},
                by=request.user,
                success=success % {"name": label(row)},
                **kwargs,
            )

    def writable_queryset(self, request, queryset):
        rows = super().writable_queryset(request, queryset)
        skipped = queryset.count() - rows.count()
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(n)d selected record is outside the areas you work in and was left "
                    "unchanged.",
                    "%(n)d selected records are outside the areas you work in and were left "
                    "unchanged.",
                    skipped,
                )
                % {"n": skipped},
                messages.WARNING,
            )
        return rows
