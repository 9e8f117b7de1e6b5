"""Grade evaluation in the admin: thresholds (versions), rounds, evaluations.

District staff publish thresholds, open rounds and assign organizations to a third-party
evaluator; the evaluator enters the indicator scores on the evaluation's page; district
staff award the grade (an action). Every write goes through `credit.services`.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from credit import services
from credit.admin.base import ReadOnlyAdmin, refused_beside
from credit.models import Evaluation, EvaluationRound, GradeModel
from credit.models.grades import GRADE_THRESHOLDS, INDICATORS
from huitian.access import has_role
from huitian.admin_base import ScopedAdmin, TransitionInline
from huitian.models import Role, User

SCORE_FIELDS = [f"score_{n}" for n in INDICATORS]


@admin.register(GradeModel)
class GradeModelAdmin(ReadOnlyAdmin):
    """Versions of the grade thresholds: district staff publish a new one; none is edited."""

    list_display = ["version", *GRADE_THRESHOLDS, "created_at"]
    exclude = ["version", "created_by"]

    def has_add_permission(self, request):
        return request.user.has_perm("credit.publish_grade_model")

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return services.publish_grade_model(
            by=request.user,
            thresholds=[data.get(name) for name in GRADE_THRESHOLDS],
            note=data.get("note") or "",
        )


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyAdmin):
    list_display = ["year", "name", "model", "opened_at"]
    fields = ["year", "name"]

    def has_add_permission(self, request):
        return request.user.has_perm("credit.open_evaluation_round")

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return services.open_evaluation_round(by=request.user, year=data["year"], name=data["name"])


@admin.register(Evaluation)
class EvaluationAdmin(ScopedAdmin):
    list_display = ["organization", "round", "evaluator", "state", "total", "grade", "valid_until"]
    list_filter = ["state", "grade"]
    search_fields = ["organization__name", "organization__uscc"]
    list_select_related = ["organization", "round", "evaluator"]
    autocomplete_fields = ["organization"]
    inlines = [TransitionInline]
    add_roles = frozenset({Role.DISTRICT_ADMIN})
    actions = ["award"]
    shown = [
        "round",
        "organization",
        "evaluator",
        "state",
        *SCORE_FIELDS,
        "comments",
        "total",
        "grade",
        "awarded_on",
        "valid_until",
    ]

    def scoring(self, request, obj) -> bool:
        return (
            obj is not None
            and request.user.has_perm("credit.score_evaluation", obj)
            and (obj.state != Evaluation.State.AWARDED)
        )

    def get_fields(self, request, obj=None):
        return ["round", "organization", "evaluator"] if obj is None else self.shown

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if self.scoring(request, obj):
            return [f for f in self.shown if f not in (*SCORE_FIELDS, "comments")]
        return self.shown

    def get_inlines(self, request, obj=None):
        # The evaluator's scoring page is the scores alone (the log is the staff's).
        return self.inlines if obj is not None and not self.scoring(request, obj) else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "evaluator":
            kwargs["queryset"] = User.objects.filter(
                is_active=True,
                role_assignments__role=Role.EVALUATOR,
                role_assignments__is_active=True,
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request) or has_role(request.user, Role.EVALUATOR)
        return self.scoring(request, obj)

    def create_with_service(self, request, form):
        data = form.cleaned_data
        with refused_beside("organization"):
            return services.assign_evaluation(
                by=request.user,
                round_id=data["round"].pk,
                organization_id=data["organization"].pk,
                evaluator_id=data["evaluator"].pk,
            )

    def change_with_service(self, request, obj, form):
        data = form.cleaned_data
        return services.enter_scores(
            by=request.user,
            evaluation_id=obj.pk,
            scores={n: data.get(f"score_{n}") for n in INDICATORS},
            comments=data.get("comments") or "",
        )

    @admin.action(description=_("Award the grade of the selected evaluations"))
    def award(self, request, queryset):
        for item in queryset:
            self.run_service(
                request,
                services.award_grade,
                by=request.user,
                evaluation_id=item.pk,
                success=_("Grade awarded: %(org)s") % {"org": item.organization},
            )
