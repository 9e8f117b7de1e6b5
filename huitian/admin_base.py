"""What every staff screen shares: scoped lists, role-based permissions, history.

`ScopedAdmin.get_queryset` goes through `huitian.access.visible`, so a street
clerk's change list holds only their street; change/delete permissions go
through `writable`, so the auditor and evaluators read but never change.
Django's per-model permission tables are not used for staff: roles are.
"""

from django.contrib import messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from huitian.access import can_change, grants, is_staff_user, visible, writable
from huitian.forms import SERVICE_ERRORS, apply_service_errors
from huitian.models import Transition
from huitian.workflow import WorkflowError


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


class ScopedAdmin(ServiceFormsMixin, SimpleHistoryAdmin):
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
    fields = ["at", "step", "from_state", "to_state", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_staff_user(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class ReferenceDataAdmin(SimpleHistoryAdmin):
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
