"""Staff screens of the credit app: events and ratings are read-only; list decisions and
star-model versions go through the services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from credit import services
from credit.admin import grades, honours, settings, voice  # noqa: F401  (registers them)
from credit.admin.base import DecisionForm, ReadOnlyAdmin, refused_beside
from credit.models import Appeal, CreditEvent, ListEntry, StarModel, StarRating
from credit.models.stars import COMPONENTS
from huitian.admin_base import ScopedAdmin, TransitionInline
from huitian.models import Role


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyAdmin):
    list_display = ["organization", "kind", "occurred_on", "effect", "expires_on", "public"]
    list_filter = ["kind", "public"]
    search_fields = ["organization__name", "organization__uscc"]
    list_select_related = ["organization"]


@admin.register(StarRating)
class StarRatingAdmin(ReadOnlyAdmin):
    list_display = ["organization", "stars", "score", "model", "computed_on"]
    list_filter = ["stars"]
    search_fields = ["organization__name"]
    list_select_related = ["organization", "model"]


@admin.register(ListEntry)
class ListEntryAdmin(ScopedAdmin):
    list_display = ["organization", "kind", "cause", "entered_on", "state", "removed_on"]
    list_filter = ["kind", "state"]
    search_fields = ["organization__name", "organization__uscc"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fields = ["organization", "kind", "cause", "legal_basis", "entered_on"]
    inlines = [TransitionInline]
    add_roles = frozenset({Role.DISTRICT_ADMIN})

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "organization",
            "kind",
            "cause",
            "legal_basis",
            "entered_on",
            "period_from",
            "state",
            "removed_on",
            "removal_reason",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return request.user.has_perm("credit.decide_listing", obj.organization)

    def create_with_service(self, request, form):
        data = form.cleaned_data
        with refused_beside("organization"):
            return services.enter_list(
                organization_id=data["organization"].pk,
                kind=data["kind"],
                cause=data["cause"],
                legal_basis=data["legal_basis"],
                entered_on=data.get("entered_on"),
                by=request.user,
            )

    def change_with_service(self, request, obj, form):
        return obj  # removal is a decision with a reason: the API's remove action


@admin.register(StarModel)
class StarModelAdmin(ScopedAdmin):
    """Versions of the star model: district staff publish a new one; none is edited."""

    list_display = ["version", *[f"weight_{c}" for c in COMPONENTS], "min_two", "min_five"]
    exclude = ["version", "created_by"]

    def has_add_permission(self, request):
        return request.user.has_perm("credit.publish_star_model")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return services.publish_star_model(
            by=request.user,
            weights={c: data.get(f"weight_{c}") for c in COMPONENTS},
            thresholds=[data.get(k) for k in services.STAR_THRESHOLDS],
            note=data.get("note") or "",
        )


class AppealDecisionForm(DecisionForm):
    verdict = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("yes", _("Uphold the appeal")), ("no", _("Dismiss the appeal"))],
        coerce=lambda v: v == "yes",
    )

    class Meta:
        model = Appeal
        fields: list[str] = []


@admin.register(Appeal)
class AppealAdmin(ScopedAdmin):
    """Appeals are filed by members (portal, API); the registration body upholds or
    dismisses an open one on its page, with the reason (the same service as the API)."""

    list_display = ["organization", "subject", "state", "submitted_at"]
    list_filter = ["state"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    inlines = [TransitionInline]
    form = AppealDecisionForm
    shown = ["organization", "rating", "list_entry", "grade", "grounds", "state", "decision"]

    @admin.display(description=_("appealed record"))
    def subject(self, obj):
        return {
            "rating": _("star rating"),
            "list_entry": _("credit list entry"),
            "grade": _("grade evaluation"),
        }[obj.subject_kind]

    def has_add_permission(self, request):
        return False  # members appeal on the portal or the API

    def has_delete_permission(self, request, obj=None):
        return False

    def deciding(self, request, obj) -> bool:
        return (
            obj is not None
            and obj.state == Appeal.State.SUBMITTED
            and request.user.has_perm("credit.decide_listing", obj.organization)
        )

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return self.deciding(request, obj)

    def get_fields(self, request, obj=None):
        if self.deciding(request, obj):  # the decision is still to be taken: its form
            return [f for f in self.shown if f != "decision"] + ["verdict", "reason"]
        return self.shown

    def get_readonly_fields(self, request, obj=None):
        return self.shown

    def change_with_service(self, request, obj, form):
        data = form.cleaned_data
        return services.decide_appeal(
            appeal_id=obj.pk, by=request.user, uphold=data["verdict"], reason=data["reason"]
        )
