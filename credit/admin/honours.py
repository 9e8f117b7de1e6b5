"""Honours in the admin: staff nominate within their areas; the district selects."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from credit import services
from credit.admin.base import DecisionForm
from credit.models import Nomination
from huitian.admin_base import ScopedAdmin, TransitionInline
from huitian.models import Area


class NominationDecisionForm(DecisionForm):
    verdict = forms.TypedChoiceField(
        label=_("decision"),
        choices=[
            ("yes", pgettext_lazy("honour state", "Selected")),
            ("no", pgettext_lazy("honour state", "Not selected")),
        ],
        coerce=lambda v: v == "yes",
    )
    reason = forms.CharField(label=_("reason"), max_length=500, required=False)

    class Meta:
        model = Nomination
        fields: list[str] = []


@admin.register(Nomination)
class NominationAdmin(ScopedAdmin):
    list_display = ["year", "kind", "organization", "community", "project_name", "state"]
    list_filter = ["year", "kind", "state"]
    search_fields = ["organization__name", "project_name"]
    list_select_related = ["organization", "community"]
    autocomplete_fields = ["organization"]
    inlines = [TransitionInline]
    add_fields = ["year", "kind", "organization", "community", "project_name", "grounds"]
    shown = [*add_fields, "state", "decided_on", "decision"]

    def deciding(self, request, obj) -> bool:
        return (
            obj is not None
            and obj.state == Nomination.State.NOMINATED
            and request.user.has_perm("credit.select_honour")
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.deciding(request, obj):
            kwargs["form"] = NominationDecisionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        return [*self.shown, "verdict", "reason"] if self.deciding(request, obj) else self.shown

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.shown

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "community":
            kwargs["queryset"] = Area.objects.filter(level=Area.Level.COMMUNITY, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return self.deciding(request, obj)

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return services.nominate(
            by=request.user,
            year=data["year"],
            kind=data["kind"],
            grounds=data["grounds"],
            organization_id=data["organization"].pk if data.get("organization") else None,
            community_id=data["community"].pk if data.get("community") else None,
            project_name=data.get("project_name") or "",
        )

    def change_with_service(self, request, obj, form):
        data = form.cleaned_data
        return services.decide_nomination(
            by=request.user,
            nomination_id=obj.pk,
            select=data["verdict"],
            reason=data.get("reason") or "",
        )
