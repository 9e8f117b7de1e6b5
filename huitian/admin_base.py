"""What every staff screen shares: scoped lists, role-based permissions, history.

`ScopedAdmin.get_queryset` goes through `huitian.access.visible`, so a street
clerk's change list holds only their street; change/delete permissions go
through `writable`, so the auditor and evaluators read but never change.
Django's per-model permission tables are not used for staff: roles are.

History pages are for reading (`ReadOnlyHistoryMixin`): the same object scoping
as the change page, no revert, and no POST. Change lists filter only by the
declared `list_filter` and search only `search_fields`; fields the user sees
masked (`masked_fields`) are never a lookup nor searched. Community and street
pickers come grouped under their street (`AreaPickersMixin`), in every app's admin.
"""

from django.contrib import admin, messages
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from huitian.access import can_change, grants, is_staff_user, sees_contacts, visible, writable
from huitian.admin_export import ScopedExportMixin
from huitian.admin_workflow import AreaPickersMixin, WorkflowActionsMixin
from huitian.forms import SERVICE_ERRORS, apply_service_errors
from huitian.models import Transition
from huitian.workflow import WorkflowError

READING_METHODS = ("GET", "HEAD")
# Fields that hold a person's contact details: masked for whoever may not read them
# (`huitian.access.sees_contacts`), and never a change-list lookup for anyone.
CONTACT_FIELDS = frozenset(
    {
        "contact_name",
        "contact_phone",
        "phone",
        "email",
        "address",
        "id_number",
        "leader_name",
        "legal_representative",
    }
)
# What a declared list filter may add after its field path (`state__exact`,
# `category__id__exact`, `created_at__gte`, …): matching values, never text probes.
FILTER_SUFFIXES = frozenset({"", "exact", "iexact", "in", "isnull", "isempty", "gte", "lt", "lte"})
DATE_PARTS = frozenset({"year", "month", "day"})


def may_write_somewhere(user) -> bool:
    return user.is_superuser or any(g.is_staff and g.can_write for g in grants(user))


class ServiceFormsMixin:
    """Admin add and change forms that write through services.

    An admin that lets staff add or change domain records defines
    `create_with_service(request, form) -> obj` and/or
    `change_with_service(request, obj, form) -> obj`; each calls one service with
    `form.cleaned_data`. The service runs while the form is validated, so its
    refusals land beside the fields (through `apply_service_errors`) exactly as on
    the portal; if anything else on the page then fails, the write is rolled back.
    Neither the form's own `save()` nor its many-to-many saving ever runs.
    """

    def create_with_service(self, request, form):
        raise NotImplementedError

    def change_with_service(self, request, obj, form):
        raise NotImplementedError

    def writes_through_services(self, *, change: bool) -> bool:
        name = "change_with_service" if change else "create_with_service"
        return getattr(type(self), name) is not getattr(ServiceFormsMixin, name)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if not self.writes_through_services(change=obj is not None):
            return form_class
        model_admin = self

        class ServiceForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if self.errors:
                    return
                try:
                    with transaction.atomic():
                        if obj is None:
                            saved = model_admin.create_with_service(request, self)
                        else:
                            saved = model_admin.change_with_service(request, obj, self)
                except SERVICE_ERRORS as exc:
                    apply_service_errors(self, exc)
                    return
                self.instance = saved
                request._huitian_service_wrote = True

            def save(self, commit=True):
                return self.instance

            def save_m2m(self):
                """The service saved the relations it means to."""

        ServiceForm.__name__ = form_class.__name__
        return ServiceForm

    def save_form(self, request, form, change):
        if getattr(request, "_huitian_service_wrote", False):
            return form.instance
        return super().save_form(request, form, change)

    def save_model(self, request, obj, form, change):
        if getattr(request, "_huitian_service_wrote", False):
            return
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_huitian_service_wrote", False):
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)
            return
        super().save_related(request, form, formsets, change)

    def _changeform_view(self, request, object_id, form_url, extra_context):
        response = super()._changeform_view(request, object_id, form_url, extra_context)
        # The page came back with errors (an inline, say) after the service wrote: undo it.
        if getattr(request, "_huitian_service_wrote", False) and not isinstance(
            response, HttpResponseRedirect
        ):
            transaction.set_rollback(True)
        return response


def _has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


class ReadOnlyHistoryMixin:
    """History pages read the record's past; they never write it.

    Both history URLs (`<id>/history/` and `<id>/history/<version>/`) find the object
    through `get_queryset` (the user's scope, as the change page does): out of scope
    is 404, not allowed to read is 403, and any method other than GET/HEAD is 403,
    so simple-history's revert form can never save. Models without simple-history
    get Django's own log page, not a 500.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def _history_object(self, request, object_id):
        if request.method not in READING_METHODS:
            raise PermissionDenied
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._history_object(request, object_id)
        if not _has_history(self.model):
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._history_object(request, object_id)
        if not _has_history(self.model) or not str(version_id).isdigit():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class DeclaredLookupsMixin:
    """Change lists narrow only by the declared filters; masked fields are never probed.

    An admin may declare `masked_fields`; by default they are the model's contact
    fields (`CONTACT_FIELDS`). A lookup on one is refused for everybody (a phone is
    not a filter); search skips them for users who see them masked.
    """

    masked_fields: tuple[str, ...] | None = None

    def get_masked_fields(self, request) -> set[str]:
        if self.masked_fields is not None:
            return set(self.masked_fields)
        return {f.name for f in self.model._meta.get_fields() if f.name in CONTACT_FIELDS}

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if sees_contacts(request.user):
            return fields
        masked = self.get_masked_fields(request)
        return [f for f in fields if f.lstrip("^=@").split(LOOKUP_SEP)[0] not in masked]

    def _declared_filter_paths(self, request) -> tuple[set[str], set[str]]:
        params, paths = set(), set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                params.add(item.parameter_name)
            elif isinstance(item, (list, tuple)):
                paths.add(item[0])
            elif isinstance(item, str):
                paths.add(item)
        return params, paths

    def lookup_allowed(self, lookup, value, request=None):
        if request is None:
            return False
        masked = self.get_masked_fields(request)
        if lookup.split(LOOKUP_SEP)[0] in masked:
            return False
        params, paths = self._declared_filter_paths(request)
        if lookup in params:
            return True
        for path in paths:
            if lookup == path:
                return True
            rest = lookup[len(path) + len(LOOKUP_SEP) :]
            if lookup.startswith(path + LOOKUP_SEP) and self._filter_suffix_ok(path, rest):
                return True
        if self.date_hierarchy and lookup.startswith(self.date_hierarchy + LOOKUP_SEP):
            rest = lookup[len(self.date_hierarchy) + 2 :]
            return rest in DATE_PARTS or rest in FILTER_SUFFIXES
        # Popups of raw-id widgets pass the relation's `limit_choices_to`: let Django say.
        return self._is_fk_popup_lookup(lookup, value)

    def _filter_suffix_ok(self, path: str, rest: str) -> bool:
        if rest in FILTER_SUFFIXES:
            return True
        # A relation's filter matches the related row's key: `category__id__exact`.
        head, _sep, tail = rest.partition(LOOKUP_SEP)
        try:
            field = get_fields_from_path(self.model, path)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return False
        related = getattr(field, "related_model", None)
        if related is None:
            return False
        return head in {"pk", related._meta.pk.name} and tail in FILTER_SUFFIXES

    def _is_fk_popup_lookup(self, lookup, value) -> bool:
        from django.contrib.admin import widgets

        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return False


class ScopedAdmin(
    AreaPickersMixin,
    WorkflowActionsMixin,
    ScopedExportMixin,
    ReadOnlyHistoryMixin,
    DeclaredLookupsMixin,
    ServiceFormsMixin,
    SimpleHistoryAdmin,
):
    # Which staff may add rows here (None: any writing staff role).
    add_roles: frozenset | None = None
    list_per_page = 50

    def get_queryset(self, request):
        return visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        return is_staff_user(request.user)

    def has_view_permission(self, request, obj=None):
        if not is_staff_user(request.user):
            return False
        return (
            obj is None
            or visible(request.user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
        )

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return True
        if self.add_roles is None:
            return may_write_somewhere(request.user)
        return any(g.role in self.add_roles for g in grants(request.user))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return may_write_somewhere(request.user)
        return request.user.is_superuser or can_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        # Domain records are retired through their workflows, not deleted.
        return request.user.is_superuser

    def writable_queryset(self, request, queryset):
        return writable(request.user, queryset)

    def run_service(self, request, func, *args, success: str = "", **kwargs):
        """Call a service from an admin action and turn refusals into messages."""
        try:
            result = func(*args, **kwargs)
        except WorkflowError as exc:
            self.message_user(request, str(exc.detail), messages.ERROR)
            return None
        except PermissionDenied as exc:
            self.message_user(request, str(getattr(exc, "detail", exc)) or "403", messages.ERROR)
            return None
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return None
        if success:
            self.message_user(request, success, messages.SUCCESS)
        return result


class TransitionInline(GenericTabularInline):
    """The recorded workflow steps of a record, read-only."""

    model = Transition
    ct_field = "content_type"
    ct_fk_field = "object_id"
    fields = ["at", "step_name", "from_label", "to_label", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "pk"]
    # Each row already says the step in words: hide the row's repeated title (admin.css).
    classes = ["workflow-log"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "content_type")

    @admin.display(description=_("step"))
    def step_name(self, row):
        return row.step_label()

    @admin.display(description=_("from"))
    def from_label(self, row):
        return row.state_label(row.from_state)

    @admin.display(description=_("to"))
    def to_label(self, row):
        return row.state_label(row.to_state)


class ReferenceDataAdmin(ReadOnlyHistoryMixin, DeclaredLookupsMixin, SimpleHistoryAdmin):
    """Reference tables every staff member reads and only `manage_permission` holders change."""

    manage_permission = "huitian.manage_areas"

    def has_module_permission(self, request):
        return is_staff_user(request.user)

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)

    def has_add_permission(self, request):
        return request.user.has_perm(self.manage_permission)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(self.manage_permission)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(self.manage_permission) and self.deletable

    deletable = False
