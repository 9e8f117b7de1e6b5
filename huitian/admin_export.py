"""Exports of staff lists (D1 §5): every ScopedAdmin changelist to CSV and xlsx, as filtered.

Built on django-import-export: a `ModelResource` per admin (the model's own fields, headed
by their verbose names), `ExportMixin.get_export_queryset` (the changelist's queryset
with its declared filters and search, so `ScopedAdmin.get_queryset` — the scoping door —
and `DeclaredLookupsMixin` hold), and its tablib formats. What this module adds:

- `admin:<app>_<model>_export` at `export/<csv|xlsx>/`, linked from the changelist with
  the current filters; GET only, staff only, and nothing outside the user's scope;
- contacts masked for whoever may not read them (`huitian.access.sees_contacts`; the
  admin's `masked_fields`, by default the contact fields): 138****5678, 张**, ***;
- every text cell that begins with = + - @ (or a tab / carriage return) is prefixed
  with `'` so that a spreadsheet shows it and never runs it;
- choices exported as their labels, related rows as their ids (no query per row),
  datetimes in local time.
import-export's own export page is not mounted: its template carries inline styles,
which the Content-Security-Policy refuses.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ExportMixin
from import_export.formats import base_formats

from huitian.access import is_staff_user, sees_contacts
from huitian.dashboards import neutralize
from huitian.validators import mask_name, mask_phone

EXPORT_FORMATS = {"csv": base_formats.CSV, "xlsx": base_formats.XLSX}
# Kept out of every export: search tokens, secrets, bookkeeping no reader needs.
NEVER_EXPORTED = frozenset({"tokens", "password", "grouped_at", "secret", "code_hash"})
NAME_FIELDS = frozenset({"contact_name", "leader_name", "legal_representative", "name_of_contact"})


def mask_value(field_name: str, value) -> str:
    if value in (None, ""):
        return ""
    text = str(value)
    if "phone" in field_name:
        return mask_phone(text)
    if field_name in NAME_FIELDS:
        return mask_name(text)
    return "***"


class ScopedResource(resources.ModelResource):
    """Exports one model's rows: masked where it must, never a live formula."""

    masked: frozenset = frozenset()
    labels: dict = {}

    def export_field(self, field, instance, **kwargs):
        value = field.get_value(instance) if field.attribute else None
        name = field.attribute or ""
        if name in self.masked:
            return mask_value(name, value)
        if name in self.labels and value not in (None, ""):
            value = str(self.labels[name].get(value, value))
        elif isinstance(value, datetime.datetime):
            value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
        elif isinstance(value, (list, dict)):
            value = str(value)
        elif value is None:
            value = ""
        elif not isinstance(value, (int, float, str, datetime.date)):
            value = str(value)
        return neutralize(value)


def resource_for(model, *, masked: set[str]) -> type[ScopedResource]:
    attrs, labels, order = {}, {}, []
    for f in model._meta.concrete_fields:
        if f.name in NEVER_EXPORTED:
            continue
        attribute = f.attname  # `community_id`: the related row's id, no query per row
        key = f.name
        attrs[key] = fields.Field(attribute=attribute, column_name=str(f.verbose_name))
        if f.choices:
            labels[attribute] = dict(f.flatchoices)
        order.append(key)
    masked_attrs = {
        model._meta.get_field(name).attname
        for name in masked
        if any(f.name == name for f in model._meta.concrete_fields)
    }
    meta = type("Meta", (), {"model": model, "fields": order, "export_order": order})
    attrs.update(
        {"Meta": meta, "masked": frozenset(masked_attrs), "labels": labels, "__module__": __name__}
    )
    return type(f"{model.__name__}ExportResource", (ScopedResource,), attrs)


class ScopedExportMixin(ExportMixin):
    """CSV/xlsx of a changelist as filtered, through the same scope as the list."""

    # Keep each admin's own changelist template; the links come from
    # templates/admin/change_list_object_tools.html (`export_links`).
    import_export_change_list_template = None

    def has_export_permission(self, request):
        return is_staff_user(request.user)

    def get_export_formats(self):
        return list(EXPORT_FORMATS.values())

    def get_export_resource_classes(self, request):
        masked = set() if sees_contacts(request.user) else set(self.get_masked_fields(request))
        return [resource_for(self.model, masked=masked)]

    def get_urls(self):
        urls = super(ExportMixin, self).get_urls()  # not import-export's own export page
        info = self.get_model_info()
        return [
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_file),
                name=f"{info[0]}_{info[1]}_export",
            ),
            *urls,
        ]

    def export_file(self, request, fmt: str):
        if fmt not in EXPORT_FORMATS:
            raise Http404
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        if not (self.has_export_permission(request) and self.has_view_permission(request)):
            raise PermissionDenied
        file_format = EXPORT_FORMATS[fmt]()
        queryset = self.get_export_queryset(request)
        resource = self.get_export_resource_classes(request)[0]()
        data = file_format.export_data(resource.export(queryset=queryset))
        if fmt == "csv":
            data = "\ufeff" + data  # Excel opens it as UTF-8
            data = data.encode("utf-8")
        response = HttpResponse(data, content_type=file_format.get_content_type())
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if self.has_export_permission(request):
            info = self.get_model_info()
            query = request.GET.urlencode()
            extra_context["export_links"] = [
                (
                    _("Export %(format)s") % {"format": label},
                    reverse(f"admin:{info[0]}_{info[1]}_export", args=[fmt])
                    + (f"?{query}" if query else ""),
                )
                for fmt, label in (("csv", "CSV"), ("xlsx", "xlsx"))
            ]
        return super().changelist_view(request, extra_context)
