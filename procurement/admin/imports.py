"""12345 hotline imports: upload starts a job; the page shows its progress and refused rows."""

import csv

from django.contrib import admin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from huitian.admin_base import TransitionInline
from huitian.models import Role
from procurement.admin.base import ProcurementAdmin
from procurement.models import NeedImport
from procurement.services import imports as svc
from procurement.services.hotline_files import COLUMNS, REQUIRED

ERRORS_SHOWN = 100


@admin.register(NeedImport)
class NeedImportAdmin(ProcurementAdmin):
    list_display = [
        "original_name",
        "state",
        "progress",
        "created_count",
        "skipped_count",
        "error_count",
        "created_by",
        "created_at",
    ]
    list_filter = ["state"]
    list_select_related = ["created_by"]
    readonly_fields = [
        "original_name",
        "state",
        "progress",
        "created_count",
        "skipped_count",
        "error_count",
        "failure",
        "created_by",
        "created_at",
        "finished_at",
    ]
    inlines = [TransitionInline]
    add_roles = frozenset({Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_STAFF})
    add_form_template = "admin/procurement/needimport_add.html"
    change_form_template = "admin/procurement/needimport_change.html"

    def get_fields(self, request, obj=None):
        return ["file"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # the job writes the progress; people only read it

    @admin.display(description=_("progress"))
    def progress(self, obj):
        total = "?" if obj.rows_total is None else obj.rows_total
        return f"{obj.rows_done} / {total}"

    def create_with_service(self, request, form):
        return svc.start_need_import(upload=form.cleaned_data["file"], by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        """Straight to the job's page, which shows its progress."""
        self.message_user(request, _t("The file is stored; the import runs in the background."))
        return HttpResponseRedirect(reverse("admin:procurement_needimport_change", args=[obj.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["columns"] = [(names[0], key in REQUIRED) for key, names in COLUMNS.items()]
        if obj is not None:
            context["import_errors"] = obj.errors.all()[:ERRORS_SHOWN]
            context["more_errors"] = max(0, obj.error_count - ERRORS_SHOWN)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def errors_csv_view(self, request, object_id):
        """The refused rows as CSV (row number, reason), for the import's viewers only."""
        job = self.get_object(request, object_id)
        if job is None:
            raise Http404
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
        response.write("\ufeff")  # Excel reads UTF-8 only with the mark
        writer = csv.writer(response)
        writer.writerow([pgettext("need import", "Row"), pgettext("need import", "Reason")])
        for row, reason in job.errors.order_by("row").values_list("row", "reason").iterator():
            writer.writerow([row, reason])
        return response

    def get_urls(self):
        return [
            path(
                "<path:object_id>/errors.csv",
                self.admin_site.admin_view(self.errors_csv_view),
                name="procurement_needimport_errors",
            ),
            *super().get_urls(),
        ]
