"""Public voice in the admin: ratings are read-only; supervising staff verify or reject
complaints on the complaint's page (a decision with what the check found)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from credit import services
from credit.admin.base import DecisionForm, ReadOnlyAdmin
from credit.models import Complaint, ServiceReview
from huitian.admin_base import ScopedAdmin, TransitionInline


@admin.register(ServiceReview)
class ServiceReviewAdmin(ReadOnlyAdmin):
    list_display = ["organization", "rating", "need", "activity", "created_at"]
    list_filter = ["rating"]
    search_fields = ["organization__name"]
    list_select_related = ["organization", "need", "activity"]
    fields = ["organization", "need", "activity", "rating", "comment", "created_at"]
    readonly_fields = fields


class ComplaintDecisionForm(DecisionForm):
    verdict = forms.TypedChoiceField(
        label=_("decision"),
        choices=[("yes", _("Verified: it counts")), ("no", _("Not verified"))],
        coerce=lambda v: v == "yes",
    )

    class Meta:
        model = Complaint
        fields: list[str] = []


@admin.register(Complaint)
class ComplaintAdmin(ScopedAdmin):
    list_display = ["organization", "state", "submitted_at", "decided_on"]
    list_filter = ["state"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    inlines = [TransitionInline]
    form = ComplaintDecisionForm
    shown = ["organization", "need", "activity", "text", "state", "decision", "decided_on"]

    def has_add_permission(self, request):
        return False  # residents complain on the portal or the API

    def deciding(self, request, obj) -> bool:
        return (
            obj is not None
            and obj.state == Complaint.State.SUBMITTED
            and request.user.has_perm("credit.verify_complaint", obj.organization)
        )

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return self.deciding(request, obj)

    def get_fields(self, request, obj=None):
        return [*self.shown, "verdict", "reason"] if self.deciding(request, obj) else self.shown

    def get_readonly_fields(self, request, obj=None):
        return self.shown

    def change_with_service(self, request, obj, form):
        data = form.cleaned_data
        return services.decide_complaint(
            by=request.user,
            complaint_id=obj.pk,
            verified=data["verdict"],
            reason=data["reason"],
        )
