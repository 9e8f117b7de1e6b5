"""The district triage queue in the admin: Open311 requests no community could be found for.

The same doors as the API (`GET /api/v1/needs/triage/`, `POST …/{id}/locate/`), through
the same service module (`procurement.services.needs.triage`):

- the needs changelist's "待分派" filter (`?triage=waiting`) lists `triage_queue(user)`,
  scoped as the API's list (the district sees its queue; streets and communities see
  none, the need being filed to the district);
- `<id>/locate/` places one need: a community chosen from the picker grouped by street,
  an optional note, and `locate_need` decides; its refusals come back as messages and
  beside the field;
- the admin index shows the queue's size to whoever has something waiting in it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from huitian.forms import SERVICE_ERRORS, AreaChoiceField, apply_service_errors
from huitian.models import Area
from procurement.services.needs import triage

WAITING = "waiting"


class TriageFilter(admin.SimpleListFilter):
    """Needs waiting in the district triage queue that the user may see."""

    title = pgettext_lazy("need triage", "triage")
    parameter_name = "triage"

    def lookups(self, request, model_admin):
        return [(WAITING, pgettext_lazy("need triage", "Awaiting a community"))]

    def queryset(self, request, queryset):
        if self.value() == WAITING:
            return queryset.filter(pk__in=triage.triage_queue(request.user).values("pk"))
        return queryset


class LocateNeedForm(forms.Form):
    community = AreaChoiceField(queryset=Area.objects.none(), label=_("community"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Every active community; whether this one may take the need, `locate_need` says.
        self.fields["community"].queryset = Area.objects.filter(
            level=Area.Level.COMMUNITY, is_active=True
        )


class NeedTriageMixin:
    """Mixed into `NeedAdmin`: the triage filter's columns, the locate page, the index link."""

    triage_list_display = ["tracking_code", "title", "address", "created_at", "place_link"]

    def in_triage_list(self, request) -> bool:
        return request.GET.get(TriageFilter.parameter_name) == WAITING

    def get_list_display(self, request):
        # In the queue the clerk needs where the resident said it is, and the way to place it.
        if self.in_triage_list(request):
            return self.triage_list_display
        return super().get_list_display(request)

    @admin.display(description=pgettext_lazy("need triage", "place"))
    def place_link(self, obj):
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:procurement_need_locate", args=[obj.pk]),
            pgettext_lazy("need triage", "Place in a community"),
        )

    def triage_url(self) -> str:
        changelist = reverse("admin:procurement_need_changelist")
        return f"{changelist}?{TriageFilter.parameter_name}={WAITING}"

    def queue_links(self, request) -> list[dict]:
        """The admin index's work-queue entry (`huitian.templatetags.admin_queues`)."""
        if not self.has_view_or_change_permission(request):
            return []
        waiting = triage.triage_queue(request.user).count()
        if not waiting:
            return []
        return [
            {
                "label": pgettext_lazy("need triage", "Needs awaiting a community"),
                "url": self.triage_url(),
                "count": waiting,
            }
        ]

    def particulars(self, need) -> list[tuple]:
        """What the client sent about the place, for the clerk who must find it."""
        label = lambda name: need._meta.get_field(name).verbose_name  # noqa: E731
        where = f"{need.lat}, {need.lng}" if need.lat is not None else ""
        received = date_format(timezone.localtime(need.created_at), "DATETIME_FORMAT")
        return [
            (label("text"), need.text),
            (label("address"), need.address),
            (pgettext_lazy("need triage", "coordinates"), where),
            (label("category"), need.category.name),
            (label("created_at"), received),
        ]

    def locate_view(self, request, object_id):
        """Place one need from the triage queue in its community (`locate_need`)."""
        need = self.get_object(request, unquote(object_id))
        if need is None:
            raise Http404
        if not request.user.has_perm("procurement.handle_need", need):
            raise PermissionDenied
        change_url = reverse("admin:procurement_need_change", args=[need.pk])
        if not triage.in_triage(need) and request.method != "POST":
            self.message_user(request, _("This need already has its community."), messages.WARNING)
            return HttpResponseRedirect(change_url)
        form = LocateNeedForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    placed = triage.locate_need(
                        need_id=need.pk,
                        community=form.cleaned_data["community"],
                        by=request.user,
                        note=form.cleaned_data["note"],
                    )
            except SERVICE_ERRORS as exc:
                apply_service_errors(form, exc)
                for error in form.non_field_errors() or form.errors.get("community", []):
                    self.message_user(request, error, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(code)s is now with %(community)s.")
                    % {"code": placed.tracking_code, "community": placed.community.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self.triage_url())
        context = {
            **self.admin_site.each_context(request),
            "title": pgettext_lazy("need triage", "Place in a community"),
            "opts": self.opts,
            "need": need,
            "particulars": self.particulars(need),
            "form": form,
            "triage_url": self.triage_url(),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/procurement/need_locate.html", context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/locate/",
                self.admin_site.admin_view(self.locate_view),
                name="procurement_need_locate",
            ),
            *super().get_urls(),
        ]
