"""Staff screens: needs with their workflow, topics and lists, offers, whistle calls."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import ScopedAdmin, TransitionInline
from huitian.models import Role
from huitian.validators import mask_phone
from procurement.models import (
    CategoryDeadline,
    Match,
    Need,
    NeedsList,
    Offer,
    PurchaseItem,
    Topic,
    WhistleCall,
)
from procurement.services import imports, lists
from procurement.services import needs as svc


class DueFilter(admin.SimpleListFilter):
    title = _("timeliness")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("near_due", _("Near due"))]

    def queryset(self, request, queryset):
        from procurement.selectors import needs_for_queue

        if self.value() in ("overdue", "near_due"):
            ids = needs_for_queue(request.user, bucket=self.value()).values("pk")
            return queryset.filter(pk__in=ids)
        return queryset


class ImportForm(forms.Form):
    file = forms.FileField(label=_("12345 hotline export (xlsx or csv)"))


@admin.register(Need)
class NeedAdmin(ScopedAdmin):
    list_display = [
        "tracking_code",
        "title",
        "community",
        "category",
        "channel",
        "state",
        "resolution_due",
    ]
    list_filter = ["state", "channel", DueFilter, "category"]
    search_fields = ["tracking_code", "title", "external_ref"]
    list_select_related = ["community", "category"]
    raw_id_fields = ["submitter", "assigned_org", "assigned_area", "topic"]
    readonly_fields = [
        "tracking_code",
        "state",
        "topic",
        "response_due",
        "resolution_due",
        "created_at",
    ]
    fields = [
        "tracking_code",
        "state",
        "channel",
        "community",
        "category",
        "title",
        "text",
        "urgency",
        "address",
        "lat",
        "lng",
        "contact_name",
        "contact_phone",
        "anonymous",
        "external_ref",
        "topic",
        "response_due",
        "resolution_due",
        "created_at",
    ]
    inlines = [TransitionInline]
    actions = ["accept_selected"]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
    change_list_template = "procurement/admin_need_changelist.html"

    def get_readonly_fields(self, request, obj=None):
        ro = list(self.readonly_fields)
        if obj is not None:
            ro += [f for f in self.fields if f not in ro] + ["masked_phone"]
        return ro

    def get_fields(self, request, obj=None):
        fields = list(self.fields)
        if obj is not None and not request.user.has_perm("procurement.handle_need", obj):
            fields = [f for f in fields if f not in ("contact_name", "contact_phone")] + [
                "masked_phone"
            ]
        return fields

    @admin.display(description=_("contact phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.contact_phone)

    def save_model(self, request, obj, form, change):
        if change:
            return
        d = form.cleaned_data
        need = svc.submit_need(
            channel=d.get("channel") or Need.Channel.STAFF_REPORT,
            community=d["community"],
            category=d["category"],
            title=d["title"],
            text=d["text"],
            urgency=d.get("urgency") or 1,
            address=d.get("address", ""),
            lat=d.get("lat"),
            lng=d.get("lng"),
            contact_name=d.get("contact_name", ""),
            contact_phone=d.get("contact_phone", ""),
            anonymous=d.get("anonymous", False),
            external_ref=d.get("external_ref"),
            by=request.user,
        )
        obj.pk = need.pk

    @admin.action(description=_("Accept the selected needs"))
    def accept_selected(self, request, queryset):
        done = 0
        for need in self.writable_queryset(request, queryset):
            if self.run_service(request, svc.accept_need, need_id=need.pk, by=request.user):
                done += 1
        if done:
            self.message_user(request, _("%(n)d needs accepted.") % {"n": done}, messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="procurement_need_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:procurement_need_changelist")
        form = ImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            result = imports.import_hotline_file(upload=form.cleaned_data["file"], by=request.user)
        ctx = {
            **self.admin_site.each_context(request),
            "form": form,
            "result": result,
            "title": _("Import 12345 hotline export"),
        }
        return render(request, "procurement/admin_import.html", ctx)


@admin.register(Topic)
class TopicAdmin(ScopedAdmin):
    list_display = [
        "title",
        "area",
        "category",
        "need_count",
        "max_urgency",
        "state",
        "last_need_at",
    ]
    list_filter = ["state", "category"]
    search_fields = ["title"]
    list_select_related = ["area", "category"]
    readonly_fields = [
        "area",
        "category",
        "need_count",
        "max_urgency",
        "last_need_at",
        "state",
        "merged_into",
    ]
    fields = ["title", *readonly_fields]
    actions = ["merge_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Merge the selected topics into the first"))
    def merge_selected(self, request, queryset):
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        if len(ids) < 2:
            self.message_user(request, _("Choose at least two topics."), messages.WARNING)
            return
        self.run_service(
            request,
            lists.merge_topics,
            into_id=ids[0],
            other_ids=ids[1:],
            by=request.user,
            success=_("Topics merged."),
        )


@admin.register(NeedsList)
class NeedsListAdmin(ScopedAdmin):
    list_display = ["__str__", "state", "compiled_at", "published_at"]
    readonly_fields = [
        "period_start",
        "period_end",
        "state",
        "compiled_at",
        "published_at",
        "published_by",
    ]
    actions = ["compile_selected", "publish_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Compile (bring up to date)"))
    def compile_selected(self, request, queryset):
        for lst in queryset:
            self.run_service(
                request,
                lists.compile_needs_list,
                period_start=lst.period_start,
                period_end=lst.period_end,
                success=_("Compiled."),
            )

    @admin.action(description=_("Publish"))
    def publish_selected(self, request, queryset):
        for lst in queryset:
            self.run_service(
                request,
                lists.publish_needs_list,
                list_id=lst.pk,
                by=request.user,
                success=_("Published."),
            )


@admin.register(PurchaseItem)
class PurchaseItemAdmin(ScopedAdmin):
    list_display = ["title", "topic", "estimated_budget", "state"]
    readonly_fields = ["topic", "state", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Offer)
class OfferAdmin(ScopedAdmin):
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

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(Match)
class MatchAdmin(ScopedAdmin):
    list_display = ["topic", "organization", "score", "confirmed_by", "confirmed_at"]
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

    def has_add_permission(self, request):
        return False


@admin.register(WhistleCall)
class WhistleCallAdmin(ScopedAdmin):
    list_display = ["problem", "community", "category", "urgency", "deadline", "state", "raised_at"]
    list_filter = ["state", "urgency"]
    list_select_related = ["community", "category"]
    readonly_fields = ["state", "raised_by", "raised_at", "notified_orgs"]

    def has_add_permission(self, request):
        return False


@admin.register(CategoryDeadline)
class CategoryDeadlineAdmin(ScopedAdmin):
    list_display = ["category", "response_days", "resolution_days"]
    add_roles = frozenset({Role.DISTRICT_ADMIN})

    def has_change_permission(self, request, obj=None):
        from huitian.access import has_role

        return request.user.is_superuser or has_role(request.user, Role.DISTRICT_ADMIN)
