"""Needs (P1): the submission, the need as each caller may see it, each step's body."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huitian.api.serializers import AreaRefSerializer
from huitian.models import Area
from huitian.validators import mask_name, mask_phone, validate_phone
from procurement import refdata
from procurement.models import Need
from procurement.serializers.common import AreaRef, CategoryRef, CodeField, note_field, text_field
from procurement.services import needs as svc
from procurement.services.needs import APP_CHANNELS, LIMITS, MAX_PHOTOS


def may_see_contact(user, need: Need) -> bool:
    """Only the staff who handle the need (its community, street or district) see the contact."""
    return bool(user and user.is_authenticated and user.has_perm("procurement.handle_need", need))


class NeedIn(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in APP_CHANNELS], default=Need.Channel.API.value
    )
    community = CodeField(table=refdata.communities, message=_("Unknown community “{value}”."))
    category = CodeField(table=refdata.categories, message=_("Unknown category “{value}”."))
    title = text_field(LIMITS["title"])
    text = text_field(LIMITS["text"])
    urgency = serializers.ChoiceField(choices=Need.Urgency.choices, default=1)
    address = text_field(LIMITS["address"], required=False)
    lat = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True, min_value=-90, max_value=90
    )
    lng = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        min_value=-180,
        max_value=180,
    )
    contact_name = text_field(LIMITS["contact_name"], required=False)
    contact_phone = serializers.CharField(
        max_length=LIMITS["contact_phone"],
        required=False,
        allow_blank=True,
        validators=[validate_phone],
        help_text=_("Required unless anonymous."),
    )
    anonymous = serializers.BooleanField(default=False)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_PHOTOS, allow_empty=True
    )


class AssigneeOut(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["organization", "area"])
    id = serializers.IntegerField(required=False)
    code = serializers.CharField(required=False)
    name = serializers.CharField()


class NeedOut(serializers.Serializer):
    """A plain Serializer (not ModelSerializer): field building per request is the hot path."""

    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    channel = serializers.CharField()
    channel_label = serializers.CharField(source="get_channel_display")
    community = AreaRef()
    street = serializers.SerializerMethodField()
    category = CategoryRef()
    title = serializers.CharField()
    text = serializers.CharField()
    urgency = serializers.IntegerField()
    address = serializers.CharField()
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, allow_null=True)
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    anonymous = serializers.BooleanField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    reject_reason = serializers.CharField()
    unresolved_reason = serializers.CharField()
    assigned_to = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    # Nullable columns are documented as such (the schemathesis run checks real rows).
    response_due = serializers.DateField(allow_null=True)
    resolution_due = serializers.DateField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    satisfaction = serializers.IntegerField(allow_null=True)
    satisfaction_comment = serializers.CharField()
    topic = serializers.IntegerField(source="topic_id", allow_null=True)
    external_ref = serializers.CharField(allow_null=True)

    def _full(self, need) -> bool:
        return may_see_contact(self.context.get("request") and self.context["request"].user, need)

    @extend_schema_field(AreaRefSerializer(allow_null=True))
    def get_street(self, need):
        parent = need.community.parent
        return AreaRefSerializer(parent).data if parent else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_contact_name(self, need):
        return need.contact_name if self._full(need) else mask_name(need.contact_name)

    @extend_schema_field(OpenApiTypes.STR)
    def get_contact_phone(self, need):
        return need.contact_phone if self._full(need) else mask_phone(need.contact_phone)

    @extend_schema_field(AssigneeOut(allow_null=True))
    def get_assigned_to(self, need):
        if need.assigned_org_id:
            return {
                "kind": "organization",
                "id": need.assigned_org_id,
                "name": need.assigned_org.name,
            }
        if need.assigned_area_id:
            return {
                "kind": "area",
                "code": need.assigned_area.code,
                "name": need.assigned_area.name,
            }
        return None


class NeedStepOut(serializers.Serializer):
    at = serializers.DateTimeField()
    step = serializers.CharField()
    label = serializers.CharField(help_text=_("The step in the resident's words."))
    note = serializers.CharField(help_text=_("What staff told the resident (may be empty)."))


class NeedDetailOut(NeedOut):
    """One need as its page shows it: each step with its date and what staff said.

    Only the notes written for the resident appear (rejection, start, resolution,
    close without resolution, the resident's own reopen and rating); notes staff
    keep for the record (accept, assign) do not.
    """

    public_state_label = serializers.SerializerMethodField(
        help_text=_("The state in the resident's words (“handled again” once reopened).")
    )
    reject_reason_label = serializers.CharField(source="get_reject_reason_display")
    unresolved_reason_label = serializers.CharField(source="get_unresolved_reason_display")
    reopen_count = serializers.IntegerField()
    reopened_at = serializers.DateTimeField(allow_null=True)
    handled_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_public_state_label(self, need):
        return svc.resident_state_label(need)

    @extend_schema_field(OpenApiTypes.STR)
    def get_handled_by(self, need):
        return svc.handler_name(need)

    @extend_schema_field(NeedStepOut(many=True))
    def get_progress(self, need):
        return NeedStepOut(svc.resident_steps(need), many=True).data


class LocateNeedIn(serializers.Serializer):
    community = CodeField(table=refdata.communities, message=_("Unknown community “{value}”."))
    note = note_field()


class LinkNeedIn(serializers.Serializer):
    tracking_code = serializers.CharField(
        max_length=12, help_text=_("The code shown when the need was submitted.")
    )


# One body per step, named after it, so the schema documents what each step takes.
class AcceptNeedIn(serializers.Serializer):
    note = note_field(_("Optional note for the record."))


class RejectNeedIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Need.RejectReason.choices)
    note = note_field(_("Why the need is not accepted (required)."))


class AssignNeedIn(serializers.Serializer):
    area = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Area.objects.all(),
        required=False,
        help_text=_("Code of the community or street to hand the need to."),
    )
    organization = serializers.IntegerField(
        required=False, help_text=_("Id of the organization to hand the need to.")
    )
    note = note_field()


class StartServiceIn(serializers.Serializer):
    note = note_field(_("What the service will be."))


class ResolveNeedIn(serializers.Serializer):
    note = note_field(_("What was done."))


class CloseUnresolvedIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Need.UnresolvedReason.choices)
    note = note_field()


class RateNeedIn(serializers.Serializer):
    satisfaction = serializers.IntegerField(min_value=1, max_value=5)
    comment = text_field(LIMITS["comment"], required=False)


class ReopenNeedIn(serializers.Serializer):
    note = note_field(_("Why the need is reopened (required)."))
