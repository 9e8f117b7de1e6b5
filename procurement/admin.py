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


class NeedActionForm(forms.Form):
    """One lifecycle step taken from the need's change page."""

    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    reason = forms.CharField(required=False, max_length=24)
    area = forms.IntegerField(required=False)
    organization = forms.IntegerField(required=False)


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
    change_form_template = "procurement/admin_need_change.html"

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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only what submit_need accepts, so a staff entry fails as a form error, not a 500.
        from huitian.models import Area, Category

        if db_field.name == "community":
            kwargs["queryset"] = Area.objects.filter(
                level=Area.Level.COMMUNITY, is_active=True
            ).order_by("code")
        elif db_field.name == "category":
            kwargs["queryset"] = Category.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Show the lifecycle steps the user may take next, above the record."""
        extra_context = dict(extra_context or {})
        need = self.get_object(request, object_id)
        if need is not None and self.has_change_permission(request, need):
            extra_context["need_steps"] = [s.name for s in Need.FLOW.available(need)]
            extra_context["reject_reasons"] = Need.RejectReason.choices
            extra_context["unresolved_reasons"] = Need.UnresolvedReason.choices
            if "assign" in extra_context["need_steps"]:
                from registry.models import Organization

                community = need.community
                extra_context["assign_areas"] = [a for a in (community, community.parent) if a]
                extra_context["assign_orgs"] = Organization.objects.filter(
                    status="active"
                ).order_by("name")
        return super().change_view(request, object_id, form_url, extra_context)

    def act_view(self, request, object_id):
        """Take one lifecycle step (accept, reject, assign, start, resolve, close unresolved)."""
        from huitian.models import Area
        from registry.models import Organization

        need = self.get_object(request, object_id)
        back = redirect("admin:procurement_need_change", object_id)
        if request.method != "POST" or need is None:
            return back
        form = NeedActionForm(request.POST)
        form.is_valid()
        d = form.cleaned_data
        step, note = request.POST.get("step", ""), d.get("note") or ""
        base = {"need_id": need.pk, "by": request.user}
        if step in ("accept", "start", "resolve"):
            func = {
                "accept": svc.accept_need,
                "start": svc.start_service,
                "resolve": svc.resolve_need,
            }[step]
            kwargs = {**base, "note": note}
        elif step in ("reject", "close_unresolved"):
            func = svc.reject_need if step == "reject" else svc.close_unresolved
            kwargs = {**base, "reason": d.get("reason") or "", "note": note}
        elif step == "assign":
            area = Area.objects.filter(pk=d.get("area")).first() if d.get("area") else None
            org = (
                Organization.objects.filter(pk=d.get("organization")).first()
                if d.get("organization")
                else None
            )
            func = svc.assign_need
            kwargs = {**base, "area": area, "organization": org, "note": note}
        else:
            return back
        self.run_service(request, func, success=_("Done."), **kwargs)
        return back

    def get_urls(self):
        return [
            path(
                "<path:object_id>/act/",
                self.admin_site.admin_view(self.act_view),
                name="procurement_need_act",
            ),
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
            "opts": self.model._meta,
            "columns": [
                (names[0], key in imports.REQUIRED) for key, names in imports.COLUMNS.items()
            ],
        }
        return render(request, "procurement/admin_import.html", ctx)


@admin.register(Topic)
class TopicAdmin(ScopedAdmin):
    change_list_template = "procurement/admin_change_list.html"
    list_display = [
        "title",
        "area",
        "category",
        "need_count",
        "max_urgency",
        "state",
        "last_need_at",
        "candidates_link",
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

    @admin.display(description=_("matching"))
    def candidates_link(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        url = reverse("procurement:topic-candidates", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Candidates"))

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
    change_list_template = "procurement/admin_change_list.html"
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
                by=request.user,
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
    change_list_template = "procurement/admin_change_list.html"
    list_display = ["title", "topic", "estimated_budget", "state"]
    readonly_fields = ["topic", "state", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Offer)
class OfferAdmin(ScopedAdmin):
    change_list_template = "procurement/admin_change_list.html"
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
    change_list_template = "procurement/admin_change_list.html"
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


class WhistleCallForm(forms.ModelForm):
    """Raising a call: only communities the staff member may whistle for, no past deadline."""

    user = None  # set per request by WhistleCallAdmin.get_form

    class Meta:
        model = WhistleCall
        fields = ["community", "category", "problem", "urgency", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from huitian.models import Area, Category

        if "community" in self.fields:
            communities = Area.objects.filter(level=Area.Level.COMMUNITY, is_active=True)
            if self.user is not None and not self.user.is_superuser:
                allowed = [
                    a.pk
                    for a in communities.select_related("parent")
                    if self.user.has_perm("procurement.raise_whistle", a)
                ]
                communities = communities.filter(pk__in=allowed)
            self.fields["community"].queryset = communities.order_by("code")
        if "category" in self.fields:
            self.fields["category"].queryset = Category.objects.filter(is_active=True)

    def clean_community(self):
        community = self.cleaned_data["community"]
        if self.user is not None and not self.user.has_perm("procurement.raise_whistle", community):
            raise forms.ValidationError(_("You cannot raise a whistle call for this community."))
        return community

    def clean_deadline(self):
        from django.utils import timezone

        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return deadline


@admin.register(WhistleCall)
class WhistleCallAdmin(ScopedAdmin):
    change_list_template = "procurement/admin_change_list.html"
    list_display = ["problem", "community", "category", "urgency", "deadline", "state", "raised_at"]
    list_filter = ["state", "urgency"]
    list_select_related = ["community", "category"]
    readonly_fields = ["state", "raised_by", "raised_at", "notified_orgs"]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
    change_form_template = "procurement/admin_whistle_change.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return WhistleCallForm.Meta.fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*WhistleCallForm.Meta.fields, *self.readonly_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type("WhistleCallAddForm", (WhistleCallForm,), {"user": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return
        from procurement.services.whistle import raise_whistle_call

        d = form.cleaned_data
        call = raise_whistle_call(
            by=request.user,
            community=d["community"],
            category=d["category"],
            problem=d["problem"],
            urgency=d["urgency"],
            deadline=d["deadline"],
        )
        obj.pk = call.pk

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """List the responses; whoever may select responders picks them here."""
        extra_context = dict(extra_context or {})
        call = self.get_object(request, object_id)
        if call is not None:
            extra_context["responses"] = call.responses.select_related("organization").order_by(
                "responded_at"
            )
            extra_context["may_select"] = call.state == WhistleCall.State.OPEN and (
                request.user.has_perm("procurement.select_responders", call)
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def select_view(self, request, object_id):
        from procurement.services.whistle import select_responders

        call = self.get_object(request, object_id)
        if request.method == "POST" and call is not None:
            ids = [int(v) for v in request.POST.getlist("responses") if v.isdigit()]
            self.run_service(
                request,
                select_responders,
                call_id=call.pk,
                response_ids=ids,
                by=request.user,
                success=_("Responders selected; they were notified."),
            )
        return redirect("admin:procurement_whistlecall_change", object_id)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/select/",
                self.admin_site.admin_view(self.select_view),
                name="procurement_whistlecall_select",
            ),
            *super().get_urls(),
        ]


@admin.register(CategoryDeadline)
class CategoryDeadlineAdmin(ScopedAdmin):
    list_display = ["category", "response_days", "resolution_days"]
    add_roles = frozenset({Role.DISTRICT_ADMIN})

    def has_change_permission(self, request, obj=None):
        from huitian.access import has_role

        return request.user.is_superuser or has_role(request.user, Role.DISTRICT_ADMIN)
