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


# --- The list (GET /api/v1/needs/): rows straight from values(), no per-field machinery ----
# The same JSON as NeedOut (the schema documents the list with NeedOut), built from one
# values() query: no model instances, no nested serializers, no per-row queries.
LIST_COLUMNS = (
    "id",
    "tracking_code",
    "channel",
    "community_id",
    "community__code",
    "community__name",
    "community__level",
    "community__path",
    "community__parent_id",
    "community__parent__code",
    "community__parent__name",
    "community__parent__level",
    "category_id",
    "category__code",
    "category__name",
    "title",
    "text",
    "urgency",
    "address",
    "lat",
    "lng",
    "contact_name",
    "contact_phone",
    "anonymous",
    "state",
    "reject_reason",
    "unresolved_reason",
    "assigned_org_id",
    "assigned_org__name",
    "assigned_area_id",
    "assigned_area__code",
    "assigned_area__name",
    "created_at",
    "response_due",
    "resolution_due",
    "resolved_at",
    "closed_at",
    "satisfaction",
    "satisfaction_comment",
    "topic_id",
    "external_ref",
)


def list_rows(queryset):
    """The needs of `queryset` as the dicts NeedListOut renders (one query per page).

    The paginator counts `count_source` (the scoped queryset without the joins).
    """
    rows = queryset.values(*LIST_COLUMNS)
    rows.count_source = queryset
    return rows


def row_of(need: Need) -> dict:
    """A saved need (its community, street and category in memory) as a `list_rows()` dict:
    the intake's reply is rendered by NeedListOut too, without NeedOut's field machinery."""
    community, category = need.community, need.category
    street = community.parent if community.parent_id else None
    org = need.assigned_org if need.assigned_org_id else None
    area = need.assigned_area if need.assigned_area_id else None
    return {
        **{name: getattr(need, name) for name in LIST_COLUMNS if "__" not in name},
        "community__code": community.code,
        "community__name": community.name,
        "community__level": community.level,
        "community__path": community.path,
        "community__parent_id": community.parent_id,
        "community__parent__code": street and street.code,
        "community__parent__name": street and street.name,
        "community__parent__level": street and street.level,
        "category__code": category.code,
        "category__name": category.name,
        "assigned_org__name": org and org.name,
        "assigned_area__code": area and area.code,
        "assigned_area__name": area and area.name,
    }


def contact_rule(user):
    """`may_see_contact` for every row of a page at once: a function of the community's path.

    The same rule as `procurement.handle_need` (superuser, or handling staff over the
    need's community), with the user's staff areas read once instead of once per row.
    """
    from huitian.access import staff_areas
    from procurement.rules import HANDLERS

    if not (user and user.is_authenticated):
        return lambda path: False
    if user.is_superuser:
        return lambda path: True
    paths = [p for _id, p in staff_areas(user, for_write=True, roles=HANDLERS)]
    return lambda path: bool(path) and any(path.startswith(p) for p in paths)


class NeedListOut:
    """Renders `list_rows()` dicts to NeedOut's shape for `user`."""

    _datetime = serializers.DateTimeField()
    _date = serializers.DateField()
    _decimal = serializers.DecimalField(max_digits=9, decimal_places=6)

    def __init__(self, rows, *, user):
        self.rows, self.user = rows, user

    @property
    def data(self) -> list[dict]:
        full = contact_rule(self.user)
        channels = {value: str(label) for value, label in Need.Channel.choices}
        states = {value: str(label) for value, label in Need.State.choices}
        dt, day, dec = self._datetime, self._date, self._decimal

        def when(value):
            return None if value is None else dt.to_representation(value)

        def on(value):
            return None if value is None else day.to_representation(value)

        def num(value):
            return None if value is None else dec.to_representation(value)

        out = []
        for r in self.rows:
            shown = full(r["community__path"])
            if r["assigned_org_id"]:
                assigned = {
                    "kind": "organization",
                    "id": r["assigned_org_id"],
                    "name": r["assigned_org__name"],
                }
            elif r["assigned_area_id"]:
                assigned = {
                    "kind": "area",
                    "code": r["assigned_area__code"],
                    "name": r["assigned_area__name"],
                }
            else:
                assigned = None
            out.append(
                {
                    "id": r["id"],
                    "tracking_code": r["tracking_code"],
                    "channel": r["channel"],
                    "channel_label": channels.get(r["channel"], r["channel"]),
                    "community": {
                        "id": r["community_id"],
                        "code": r["community__code"],
                        "name": r["community__name"],
                        "level": r["community__level"],
                    },
                    "street": None
                    if r["community__parent_id"] is None
                    else {
                        "id": r["community__parent_id"],
                        "code": r["community__parent__code"],
                        "name": r["community__parent__name"],
                        "level": r["community__parent__level"],
                    },
                    "category": {
                        "id": r["category_id"],
                        "code": r["category__code"],
                        "name": r["category__name"],
                    },
                    "title": r["title"],
                    "text": r["text"],
                    "urgency": r["urgency"],
                    "address": r["address"],
                    "lat": num(r["lat"]),
                    "lng": num(r["lng"]),
                    "contact_name": r["contact_name"] if shown else mask_name(r["contact_name"]),
                    "contact_phone": r["contact_phone"]
                    if shown
                    else mask_phone(r["contact_phone"]),
                    "anonymous": r["anonymous"],
                    "state": r["state"],
                    "state_label": states.get(r["state"], r["state"]),
                    "reject_reason": r["reject_reason"],
                    "unresolved_reason": r["unresolved_reason"],
                    "assigned_to": assigned,
                    "created_at": when(r["created_at"]),
                    "response_due": on(r["response_due"]),
                    "resolution_due": on(r["resolution_due"]),
                    "resolved_at": when(r["resolved_at"]),
                    "closed_at": when(r["closed_at"]),
                    "satisfaction": r["satisfaction"],
                    "satisfaction_comment": r["satisfaction_comment"],
                    "topic": r["topic_id"],
                    "external_ref": r["external_ref"],
                }
            )
        return out
