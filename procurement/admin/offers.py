"""Offers (published by organizations through `publish_offer`) and confirmed matches."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import TransitionInline
from huitian.admin_workflow import StepRule
from procurement.admin.base import ProcurementAdmin, RecordOnlyAdmin
from procurement.models import Match, Offer
from procurement.services import offers as svc


@admin.register(Offer)
class OfferAdmin(ProcurementAdmin):
    list_display = [
        "title",
        "organization",
        "category",
        "capacity_per_month",
        "valid_until",
        "state",
    ]
    list_filter = ["state", "category"]
    list_select_related = ["organization", "category"]
    filter_horizontal = ["areas"]
    raw_id_fields = ["organization"]
    readonly_fields = ["state", "expiry_notice_sent_at", "created_at"]
    inlines = [TransitionInline]
    actions = ["withdraw_selected"]
    # Only the offering organization's members withdraw (on the portal); staff never do.
    workflow_steps = {
        "withdraw_selected": StepRule("withdraw", perm="procurement.manage_offer", roles=()),
    }

    def has_add_permission(self, request):
        # Organizations publish their offers on the portal; a superuser may enter one for them.
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return False  # an offer changes only by its steps (withdraw, expire)

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.publish_offer(
            by=request.user,
            organization=d["organization"],
            category=d["category"],
            title=d["title"],
            description=d["description"],
            areas=list(d["areas"]),
            valid_until=d["valid_until"],
            capacity_per_month=d["capacity_per_month"],
            is_free=d["is_free"],
            price_min=d.get("price_min"),
            price_max=d.get("price_max"),
        )

    @admin.action(description=_("Withdraw the selected offers"))
    def withdraw_selected(self, request, queryset):
        for offer in queryset:
            self.run_service(
                request,
                svc.withdraw_offer,
                offer_id=offer.pk,
                by=request.user,
                success=_("Offer “%(t)s” withdrawn.") % {"t": offer.title},
            )


@admin.register(Match)
class MatchAdmin(RecordOnlyAdmin):
    list_display = ["topic", "organization", "score", "confirmed_by", "confirmed_at"]
    list_select_related = ["topic", "organization", "confirmed_by"]
    readonly_fields = [
        "topic",
        "purchase_item",
        "organization",
        "offer",
        "score",
        "reasons",
        "confirmed_by",
        "confirmed_at",
    ]
