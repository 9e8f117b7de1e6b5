"""Deregistration and liquidation: opened through the service; the inventory is written
by the services, so the admin obeys the same rules as the API."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huitian.access import can_change, is_staff_user
from huitian.admin_base import TransitionInline
from huitian.admin_workflow import StepRule
from huitian.models import Role
from registry import selectors, services
from registry.admin.base import RegistryAdmin
from registry.models import Deregistration, LiquidationAsset


class AssetForm(forms.ModelForm):
    """A recorded row cannot be rewritten (the services refuse it), so its recorded cells are
    shown disabled instead of accepting an edit that would silently be dropped."""

    class Meta:
        model = LiquidationAsset
        fields = ["description", "value", "disposal", "disposed_value", "recipient"]
        widgets = {
            "description": forms.TextInput(attrs={"size": 18}),
            "value": forms.NumberInput(attrs={"style": "width: 8em"}),
            "disposed_value": forms.NumberInput(attrs={"style": "width: 8em"}),
            "recipient": forms.TextInput(attrs={"size": 14}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["description"].disabled = True
            self.fields["value"].disabled = True
            if self.instance.disposal:
                for name in ("disposal", "disposed_value", "recipient"):
                    self.fields[name].disabled = True


class AssetInline(admin.TabularInline):
    """The liquidation inventory. Editable only while liquidating; rows are written by the
    services (DeregistrationAdmin.save_formset), so the admin obeys the same rules as the API:
    new rows are recorded, a disposal is recorded once, nothing recorded is rewritten."""

    model = LiquidationAsset
    form = AssetForm
    fields = ["description", "value", "disposal", "disposed_value", "recipient"]
    extra = 1
    can_delete = False

    def _liquidating(self, request, obj):
        return (
            obj is not None
            and obj.state == Deregistration.State.LIQUIDATING
            and can_change(request.user, obj)
        )

    def has_add_permission(self, request, obj=None):
        return self._liquidating(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._liquidating(request, obj)

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)


@admin.register(Deregistration)
class DeregistrationAdmin(RegistryAdmin):
    list_display = ["organization", "kind", "state", "created_at", "inventory"]
    list_filter = ["kind", "state"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization", "surviving_organization"]
    readonly_fields = ["state"]
    inlines = [AssetInline, TransitionInline]
    actions = ["start_liquidation", "deregister"]
    workflow_steps = {
        name: StepRule(
            name,
            perm="registry.manage_deregistration",
            perm_on="organization",
            roles=(Role.DISTRICT_ADMIN,),
        )
        for name in ("start_liquidation", "deregister")
    }
    add_roles = frozenset({Role.DISTRICT_ADMIN})

    def save_formset(self, request, form, formset, change):
        if formset.model is not LiquidationAsset:
            return super().save_formset(request, form, formset, change)
        # What the admin's change message reads; filled with what the services saved.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for asset_form in formset.forms:
            if not asset_form.has_changed() or not asset_form.is_valid():
                continue
            data, asset = asset_form.cleaned_data, asset_form.instance
            if asset.pk is None:
                asset = self.run_service(
                    request,
                    services.record_liquidation_asset,
                    deregistration_id=form.instance.pk,
                    by=request.user,
                    description=data["description"],
                    value=data["value"],
                )
                if asset is not None:
                    formset.new_objects.append(asset)
            if asset is not None and asset.pk and data.get("disposal") and not asset.disposal:
                self.run_service(
                    request,
                    services.dispose_liquidation_asset,
                    asset_id=asset.pk,
                    by=request.user,
                    disposal=data["disposal"],
                    disposed_value=data.get("disposed_value"),
                    recipient=data.get("recipient", ""),
                )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # opened through the service; what it is about stays fixed
            fields += ["organization", "kind", "reason", "surviving_organization"]
        return fields

    @admin.display(description=_("inventory"))
    def inventory(self, obj):
        liquidating = obj.state == Deregistration.State.LIQUIDATING
        problems = selectors.inventory_problems(obj) if liquidating else []
        return "；".join(str(p) for p in problems) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("assets")

    def create_with_service(self, request, form):
        data = form.cleaned_data
        survivor = data.get("surviving_organization")
        with self.refused_beside("organization"):
            return services.open_deregistration(
                organization_id=data["organization"].pk,
                by=request.user,
                kind=data["kind"],
                reason=data["reason"],
                surviving_organization_id=survivor.pk if survivor else None,
            )

    def change_with_service(self, request, obj, form):
        return obj  # the record is fixed; its inventory rows go through save_formset

    @admin.action(description=_("Start liquidation (清算)"))
    def start_liquidation(self, request, queryset):
        self.run_each(
            request,
            queryset,
            services.start_liquidation,
            gettext("Liquidation started: %(name)s"),
            id_kwarg="deregistration_id",
            label=lambda dereg: dereg.organization,
        )

    @admin.action(description=_("Deregister (注销)"))
    def deregister(self, request, queryset):
        self.run_each(
            request,
            queryset,
            services.complete_deregistration,
            gettext("Deregistered: %(name)s"),
            id_kwarg="deregistration_id",
            label=lambda dereg: dereg.organization,
        )
