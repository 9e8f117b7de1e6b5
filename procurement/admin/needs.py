"""Needs: the scoped queue, staff entry through `submit_need`, lifecycle steps, deadlines."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import ReferenceDataAdmin, TransitionInline
from huitian.admin_workflow import StepRule
from huitian.models import Area, Role
from huitian.validators import mask_phone
from procurement.admin.base import ProcurementAdmin
from procurement.admin.triage import NeedTriageMixin, TriageFilter
from procurement.deadlines import (
    NEAR_DUE_WORKING_DAYS,
    URGENCY_ORDER,
    deadline_html,
    urgency_annotated,
)
from procurement.models import CategoryDeadline, Need, NeedImport
from procurement.rules import HANDLERS
from procurement.services import needs as svc
from procurement.services.needs import triage


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


class CommunityFilter(admin.SimpleListFilter):
    """The communities the user works in, under their street."""

    title = _("community")
    parameter_name = "community"

    def lookups(self, request, model_admin):
        from huitian.access import visible

        areas = (
            visible(request.user, Need.objects.all())
            .values_list("community_id", "community__name", "community__parent__name")
            .order_by("community__code")
            .distinct()
        )
        return [(str(pk), f"{street or ''} · {name}") for pk, name, street in areas]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(community_id=int(self.value()))
        return queryset


class NeedActionForm(forms.Form):
    """One lifecycle step taken from the need's change page."""

    note = forms.CharField(label=_("Note"), required=False, max_length=1000)
    reason = forms.CharField(required=False, max_length=24)
    area = forms.IntegerField(required=False)
    organization = forms.IntegerField(required=False)


@admin.register(Need)
class NeedAdmin(NeedTriageMixin, ProcurementAdmin):
    # What clerks act on, first and narrow, so that 状态 and the deadline stay in view at
    # 1280 px with the sidebar open; category and channel are filters on the right.
    list_display = ["tracking_code", "title", "community", "state", "deadline"]
    list_filter = ["state", DueFilter, TriageFilter, CommunityFilter, "category", "channel"]
    search_fields = ["tracking_code", "title", "external_ref", "community__name"]
    search_help_text = _("Search by tracking code, title or community name.")
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
    workflow_steps = {
        "accept_selected": StepRule("accept", perm="procurement.handle_need", roles=HANDLERS),
    }
    # Steps taken through the need's own forms (a reason, an assignee): who may take each.
    page_steps = {
        "accept": "procurement.handle_need",
        "reject": "procurement.handle_need",
        "assign": "procurement.handle_need",
        "start": "procurement.serve_need",
        "resolve": "procurement.serve_need",
        "close_unresolved": "procurement.handle_need",
    }
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
    change_list_template = "admin/procurement/need_changelist.html"
    change_form_template = "admin/procurement/need_change.html"

    def get_queryset(self, request):
        return urgency_annotated(super().get_queryset(request))

    def get_ordering(self, request):
        # Open needs first, the one whose next deadline comes (or passed) first on top.
        return list(URGENCY_ORDER)

    @admin.display(description=_("deadline"), ordering="next_due")
    def deadline(self, obj):
        return deadline_html(
            obj,
            getattr(self, "_today", None),
            getattr(self, "_soon", None),
            getattr(self, "_calendar", None),
        )

    def get_changelist_instance(self, request):
        from huitian.workdays import WorkingCalendar

        self._calendar = WorkingCalendar()
        self._today = timezone.localdate()
        self._soon = self._calendar.add_working_days(self._today, NEAR_DUE_WORKING_DAYS)
        return super().get_changelist_instance(request)

    def changelist_view(self, request, extra_context=None):
        # The import button shows only to those the import screen will let in.
        importer = self.admin_site._registry.get(NeedImport)
        can_import = bool(importer and importer.has_add_permission(request))
        return super().changelist_view(request, {"can_import": can_import, **(extra_context or {})})

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

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.submit_need(
            channel=d.get("channel") or Need.Channel.STAFF_REPORT,
            community=d["community"],
            category=d["category"],
            title=d["title"],
            text=d["text"],
            urgency=d.get("urgency") or Need.Urgency.NORMAL,
            address=d.get("address", ""),
            lat=d.get("lat"),
            lng=d.get("lng"),
            contact_name=d.get("contact_name", ""),
            contact_phone=d.get("contact_phone", ""),
            anonymous=d.get("anonymous", False),
            external_ref=d.get("external_ref"),
            by=request.user,
        )

    def change_with_service(self, request, obj, form):
        """Nothing on a saved need is edited by hand: it moves only by the steps above."""
        return obj

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
        if (
            need is not None
            and triage.in_triage(need)
            and request.user.has_perm("procurement.handle_need", need)
        ):
            extra_context["locate_url"] = reverse("admin:procurement_need_locate", args=[need.pk])
        if need is not None and self.has_change_permission(request, need):
            extra_context["need_steps"] = [
                s.name
                for s in Need.FLOW.available(need)
                if s.name in self.page_steps
                and request.user.has_perm(self.page_steps[s.name], need)
            ]
            # The need's own forms below say its steps (with reasons, assignees).
            extra_context["workflow_buttons"] = None
            extra_context["reject_reasons"] = Need.RejectReason.choices
            extra_context["unresolved_reasons"] = Need.UnresolvedReason.choices
            if "assign" in extra_context["need_steps"]:
                from registry.selectors import eligible_contractors

                community = need.community
                extra_context["assign_areas"] = [a for a in (community, community.parent) if a]
                extra_context["assign_orgs"] = eligible_contractors()
        return super().change_view(request, object_id, form_url, extra_context)

    def act_view(self, request, object_id):
        """Take one lifecycle step (accept, reject, assign, start, resolve, close unresolved)."""
        from registry.selectors import eligible_contractors

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
                eligible_contractors().filter(pk=d.get("organization")).first()
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
            # The import page's old address, kept for bookmarks: it is the import's add page.
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="procurement_need_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        from procurement.models import NeedImport

        return self.admin_site._registry[NeedImport].add_view(request)


@admin.register(CategoryDeadline)
class CategoryDeadlineAdmin(ReferenceDataAdmin):
    """Deadlines per category: every staff member reads them, district administrators edit."""

    manage_permission = "huitian.manage_areas"
    list_display = ["category", "response_days", "resolution_days"]
    list_select_related = ["category"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            _("Saved. New submissions use the changed deadlines within a minute."),
            messages.INFO,
        )
