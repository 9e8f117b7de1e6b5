"""Supervision, evaluation and spot-check screens (P8, item 6): every add and change goes
through `services.evaluation` / `services.spot_checks`; paying the final installment
and settling a year are actions on the evaluations. Audit records are never deleted,
and an evaluation is never edited (a re-evaluation is a new one)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from huitian.access import writable
from huitian.admin_base import TransitionInline
from huitian.models import Area, Role
from procurement.admin.base import ProcurementAdmin
from procurement.models import (
    Contract,
    ContractPeriod,
    CorrectiveAction,
    Evaluation,
    SpotCheck,
    SpotCheckItem,
    SupervisionVisit,
    SurveyResponse,
)
from procurement.services import evaluation as svc
from procurement.services import spot_checks

PURCHASERS = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF})
DATE = forms.DateInput(attrs={"type": "date"})


class SupervisionAdmin(ProcurementAdmin):
    """Pickers offer only what the user may write; nothing here is deleted."""

    add_roles = PURCHASERS
    scoped_choices = {
        "contract": Contract,
        "period": ContractPeriod,
        "visit": SupervisionVisit,
        "area": Area,
    }

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = self.scoped_choices.get(db_field.name)
        if model is Area:
            kwargs["queryset"] = Area.objects.filter(level__in=["district", "street"])
        elif model is not None:
            kwargs["queryset"] = writable(request.user, model._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(SupervisionAdmin):
    list_display = ["contract", "visited_on", "visitor", "recorded_at"]
    list_filter = ["visited_on"]
    list_select_related = ["contract", "visitor"]
    readonly_fields = ["contract", "visited_on", "visitor", "findings", "recorded_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["widgets"] = {"visited_on": DATE}
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return (
            ["contract", "visited_on", "visitor", "findings"]
            if obj is None
            else self.readonly_fields
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "visitor":
            field.required = False
            field.help_text = _("Leave empty when you visited yourself; or name the evaluator.")
        return field

    def has_change_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.record_visit(
            contract_id=d["contract"].pk,
            visited_on=d["visited_on"],
            findings=d["findings"],
            visitor=d.get("visitor"),
            by=request.user,
        )


class CloseForm(forms.ModelForm):
    note = forms.CharField(
        label=_("how it was corrected"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = CorrectiveAction
        fields = []


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(SupervisionAdmin):
    list_display = ["description", "visit", "due", "state"]
    list_filter = ["state", "due"]
    list_select_related = ["visit__contract"]
    inlines = [TransitionInline]
    readonly_fields = ["visit", "description", "due", "state", "created_by", "created_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = CloseForm
        else:
            kwargs["widgets"] = {"due": DATE}
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["visit", "description", "due"]
        extra = ["note"] if obj.state == CorrectiveAction.State.OPEN else []
        return [*self.readonly_fields, *extra]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != CorrectiveAction.State.OPEN:
            return False
        return super().has_change_permission(request, obj)

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.open_corrective_action(
            visit_id=d["visit"].pk, description=d["description"], due=d["due"], by=request.user
        )

    def change_with_service(self, request, obj, form):
        return svc.close_corrective_action(
            action_id=obj.pk, note=form.cleaned_data["note"], by=request.user
        )


@admin.register(SurveyResponse)
class SurveyResponseAdmin(SupervisionAdmin):
    list_display = ["period", "rating", "answered_on", "source"]
    list_filter = ["source", "rating"]
    list_select_related = ["period__contract"]
    readonly_fields = ["period", "rating", "comment", "answered_on", "source", "recorded_at"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["widgets"] = {"answered_on": DATE}
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return (
            ["period", "rating", "answered_on", "comment"] if obj is None else self.readonly_fields
        )

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.record_survey_response(
            period_id=d["period"].pk,
            rating=d["rating"],
            answered_on=d["answered_on"],
            comment=d["comment"],
            by=request.user,
        )


class EvaluationForm(forms.ModelForm):
    quantity_score = forms.CharField(label=_("quantity delivered (score)"), max_length=8)
    quality_score = forms.CharField(label=_("quality against the standard (score)"), max_length=8)

    class Meta:
        model = Evaluation
        fields = ["period", "evaluator_kind", "evaluator", "opinion"]


@admin.register(Evaluation)
class EvaluationAdmin(SupervisionAdmin):
    list_display = ["period", "overall_score", "grade", "evaluator_kind", "evaluated_at"]
    list_filter = ["grade", "evaluator_kind"]
    list_select_related = ["period__contract"]
    form = EvaluationForm
    actions = ["pay_final", "settle"]
    readonly_fields = [
        "period",
        "evaluator_kind",
        "evaluator",
        "quantity_score",
        "quality_score",
        "satisfaction_score",
        "survey_count",
        "overall_score",
        "grade",
        "opinion",
        "supersedes",
        "evaluated_by",
        "evaluated_at",
    ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "period",
                "evaluator_kind",
                "evaluator",
                "quantity_score",
                "quality_score",
                "opinion",
            ]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # actions only

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.evaluate_period(
            period_id=d["period"].pk,
            evaluator_kind=d["evaluator_kind"],
            evaluator=d.get("evaluator"),
            quantity_score=d["quantity_score"],
            quality_score=d["quality_score"],
            opinion=d.get("opinion", ""),
            by=request.user,
        )

    @admin.action(description=_("Pay the final installment by the score"))
    def pay_final(self, request, queryset):
        for period_id in sorted(set(queryset.values_list("period_id", flat=True))):
            self.run_service(
                request, svc.pay_final_installment, period_id=period_id, by=request.user
            )

    @admin.action(description=_("Settle the contract year"))
    def settle(self, request, queryset):
        for period_id in sorted(set(queryset.values_list("period_id", flat=True))):
            self.run_service(request, svc.settle_period, period_id=period_id, by=request.user)


class SpotCheckItemInline(admin.TabularInline):
    model = SpotCheckItem
    fields = ["contract", "state", "findings", "correction"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SpotCheckForm(forms.ModelForm):
    seed = forms.IntegerField(
        label=_("random seed"),
        required=False,
        min_value=0,
        help_text=_("Leave empty to draw a new seed; give a recorded one to draw the same sample."),
    )

    class Meta:
        model = SpotCheck
        fields = ["area", "label", "sample_size"]


@admin.register(SpotCheck)
class SpotCheckAdmin(SupervisionAdmin):
    list_display = ["label", "area", "sample_size", "population_count", "seed", "drawn_at"]
    list_select_related = ["area"]
    form = SpotCheckForm
    inlines = [SpotCheckItemInline]
    readonly_fields = [
        "area",
        "label",
        "seed",
        "sample_size",
        "population_count",
        "drawn_by",
        "drawn_at",
    ]

    def get_fields(self, request, obj=None):
        return ["area", "label", "sample_size", "seed"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return spot_checks.draw_spot_check(
            area=d["area"],
            label=d["label"],
            sample_size=d["sample_size"],
            seed=d.get("seed"),
            by=request.user,
        )


class ItemForm(forms.ModelForm):
    text = forms.CharField(
        label=_("findings, or the correction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "To check: the findings (empty: none). With findings: how they were corrected."
        ),
    )

    class Meta:
        model = SpotCheckItem
        fields = []


@admin.register(SpotCheckItem)
class SpotCheckItemAdmin(SupervisionAdmin):
    list_display = ["spot_check", "contract", "state"]
    list_filter = ["state"]
    list_select_related = ["spot_check__area", "contract"]
    form = ItemForm
    inlines = [TransitionInline]
    readonly_fields = ["spot_check", "contract", "state", "findings", "correction"]

    def get_fields(self, request, obj=None):
        open_ = obj is not None and obj.state in (
            SpotCheckItem.State.PENDING,
            SpotCheckItem.State.FINDINGS,
        )
        return [*self.readonly_fields, *(["text"] if open_ else [])]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields

    def has_add_permission(self, request):
        return False  # drawn by the spot check

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state not in (
            SpotCheckItem.State.PENDING,
            SpotCheckItem.State.FINDINGS,
        ):
            return False
        return super().has_change_permission(request, obj)

    def change_with_service(self, request, obj, form):
        text = form.cleaned_data.get("text", "")
        if obj.state == SpotCheckItem.State.PENDING:
            return spot_checks.record_findings(item_id=obj.pk, findings=text, by=request.user)
        return spot_checks.record_correction(item_id=obj.pk, correction=text, by=request.user)
