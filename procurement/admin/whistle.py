"""Whistle calls: raised through `raise_whistle_call`, responders selected through the service."""

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from huitian.admin_base import TransitionInline
from huitian.models import Area, Role
from procurement.admin.base import ProcurementAdmin
from procurement.models import WhistleCall
from procurement.services import whistle as svc

RAISE_FIELDS = ["community", "category", "problem", "urgency", "deadline"]


class RaiseForm(forms.ModelForm):
    """Raising a call. The list offers the communities the rule allows (asking the rule,
    not copying it), but any community is accepted here: the service decides, and its
    refusal of a community outside the clerk's areas appears beside the field."""

    user = None  # set per request by WhistleCallAdmin.get_form

    class Meta:
        model = WhistleCall
        fields = RAISE_FIELDS
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communities = Area.objects.filter(level=Area.Level.COMMUNITY).select_related("parent")
        allowed = [a.pk for a in communities if self.user.has_perm("procurement.raise_whistle", a)]
        field = self.fields["community"]
        field.queryset = communities
        offered = [("", field.empty_label)] + [
            (a.pk, str(a)) for a in communities.filter(pk__in=allowed).order_by("code")
        ]
        field.choices = offered
        inner = getattr(field.widget, "widget", None)  # the admin's related-field wrapper
        if inner is not None:
            inner.choices = offered


@admin.register(WhistleCall)
class WhistleCallAdmin(ProcurementAdmin):
    list_display = ["problem", "community", "category", "urgency", "deadline", "state", "raised_at"]
    list_filter = ["state", "urgency"]
    list_select_related = ["community", "category"]
    readonly_fields = ["state", "raised_by", "raised_at", "notified_orgs"]
    inlines = [TransitionInline]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
    change_form_template = "admin/procurement/whistle_change.html"

    def get_fields(self, request, obj=None):
        if obj is None:
            return RAISE_FIELDS
        return [*RAISE_FIELDS, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # a call moves only by its steps (select responders, close)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type("RaiseForm", (RaiseForm,), {"user": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def create_with_service(self, request, form):
        d = form.cleaned_data
        return svc.raise_whistle_call(
            by=request.user,
            community=d["community"],
            category=d["category"],
            problem=d["problem"],
            urgency=d["urgency"],
            deadline=d["deadline"],
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """List the responses; whoever may select responders picks them here."""
        extra_context = dict(extra_context or {})
        call = self.get_object(request, object_id)
        if call is not None:
            extra_context["responses"] = call.responses.select_related("organization").order_by(
                "responded_at"
            )
            may_act = request.user.has_perm("procurement.select_responders", call)
            steps = {s.name for s in WhistleCall.FLOW.available(call)}
            extra_context["may_select"] = may_act and "select" in steps
            extra_context["may_close"] = may_act and "close" in steps
            # After the selection, staff record a selected responder that did not come.
            extra_context["may_no_show"] = may_act and call.state != WhistleCall.State.OPEN
        return super().change_view(request, object_id, form_url, extra_context)

    def select_view(self, request, object_id):
        call = self.get_object(request, object_id)
        if request.method == "POST" and call is not None:
            ids = [int(v) for v in request.POST.getlist("responses") if v.isdigit()]
            self.run_service(
                request,
                svc.select_responders,
                call_id=call.pk,
                response_ids=ids,
                by=request.user,
                success=_("Responders selected; they were notified."),
            )
        return redirect("admin:procurement_whistlecall_change", object_id)

    def close_view(self, request, object_id):
        call = self.get_object(request, object_id)
        if request.method == "POST" and call is not None:
            self.run_service(
                request,
                svc.close_whistle_call,
                call_id=call.pk,
                by=request.user,
                note=request.POST.get("note", "")[:1000],
                success=_("The call is closed."),
            )
        return redirect("admin:procurement_whistlecall_change", object_id)

    def no_show_view(self, request, object_id, response_id):
        """Record that one selected responder did not show up (once; a credit event)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        call = self.get_object(request, object_id)
        if call is None:
            raise Http404
        result = self.run_service(
            request,
            svc.record_no_show,
            call_id=call.pk,
            response_id=int(response_id),
            by=request.user,
            note=request.POST.get("note", "")[:100],
        )
        if result is not None:
            response, created = result
            if created:
                self.message_user(
                    request,
                    _("Recorded: %(org)s did not show up (a credit event).")
                    % {"org": response.organization.name},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("Already recorded on %(at)s: %(org)s did not show up; nothing changed.")
                    % {
                        "org": response.organization.name,
                        "at": formats.date_format(
                            timezone.localtime(response.no_show_at), "SHORT_DATETIME_FORMAT"
                        ),
                    },
                    messages.WARNING,
                )
        return redirect("admin:procurement_whistlecall_change", object_id)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/no-show/<int:response_id>/",
                self.admin_site.admin_view(self.no_show_view),
                name="procurement_whistlecall_no_show",
            ),
            path(
                "<path:object_id>/select/",
                self.admin_site.admin_view(self.select_view),
                name="procurement_whistlecall_select",
            ),
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="procurement_whistlecall_close",
            ),
            *super().get_urls(),
        ]
