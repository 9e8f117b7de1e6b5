"""API shapes. Contacts leave the server masked except for the handling staff."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from huitian.api.serializers import AreaRefSerializer, CategoryRefSerializer
from huitian.models import Area, Category
from huitian.validators import mask_phone, validate_clean_text, validate_phone
from procurement import refdata
from procurement.models import Need, NeedsListEntry, Offer, WhistleCall, WhistleResponse
from procurement.models.needs import TEXT_LIMIT, TITLE_LIMIT
from procurement.services.needs import MAX_PHOTOS


def may_see_contact(user, need: Need) -> bool:
    """Only the staff who handle the need (its community, street or district) see the contact."""
    return bool(user and user.is_authenticated and user.has_perm("procurement.handle_need", need))


def mask_name(name: str) -> str:
    return f"{name[0]}**" if name else ""


# How every app points at an area or a category in API output: the shared kernel shapes.
AreaRef, CategoryRef = AreaRefSerializer, CategoryRefSerializer


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.Field):
    """A community or category given by its code, looked up in the reference cache."""

    def __init__(self, *, table, message, **kwargs):
        self.table, self.message = table, message
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = str(data).strip() if isinstance(data, (str, int)) else ""
        found = self.table().get(code) if code and len(code) <= 48 else None
        if found is None:
            raise serializers.ValidationError(str(self.message).format(value=code[:48]))
        return found

    def to_representation(self, value):
        return value.code


class NeedIn(serializers.Serializer):
    APP_CHANNELS = [
        Need.Channel.API,
        Need.Channel.CHANGPING_APP,
        Need.Channel.HUITIAN_PLATFORM,
        Need.Channel.HLG_NET,
        Need.Channel.TTY_NET,
    ]
    channel = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in APP_CHANNELS], default="api"
    )
    community = CodeField(table=refdata.communities, message=_("Unknown community “{value}”."))
    category = CodeField(table=refdata.categories, message=_("Unknown category “{value}”."))
    title = serializers.CharField(max_length=TITLE_LIMIT, validators=[validate_clean_text])
    text = serializers.CharField(max_length=TEXT_LIMIT, validators=[validate_clean_text])
    urgency = serializers.ChoiceField(choices=Need.Urgency.choices, default=1)
    address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_clean_text]
    )
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
    contact_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, validators=[validate_clean_text]
    )
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, validators=[validate_phone]
    )
    anonymous = serializers.BooleanField(default=False)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_PHOTOS, allow_empty=True
    )


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
    lat = serializers.DecimalField(max_digits=9, decimal_places=6)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6)
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    anonymous = serializers.BooleanField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    reject_reason = serializers.CharField()
    unresolved_reason = serializers.CharField()
    assigned_to = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    response_due = serializers.DateField()
    resolution_due = serializers.DateField()
    resolved_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField()
    satisfaction = serializers.IntegerField()
    satisfaction_comment = serializers.CharField()
    topic = serializers.IntegerField(source="topic_id")
    external_ref = serializers.CharField()

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

    @extend_schema_field(OpenApiTypes.OBJECT)
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


class StepIn(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, validators=[validate_clean_text]
    )


class RejectIn(StepIn):
    reason = serializers.ChoiceField(choices=Need.RejectReason.choices)


class UnresolvedIn(StepIn):
    reason = serializers.ChoiceField(choices=Need.UnresolvedReason.choices)


class AssignIn(StepIn):
    area = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.all(), required=False
    )
    organization = serializers.IntegerField(required=False)


class RateIn(serializers.Serializer):
    satisfaction = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, validators=[validate_clean_text]
    )


class ListEntryOut(serializers.ModelSerializer):
    topic_id = serializers.IntegerField(source="topic.pk")
    title = serializers.CharField(source="topic.title")
    area = AreaRef(source="topic.area")
    category = CategoryRef(source="topic.category")
    period_start = serializers.DateField(source="needs_list.period_start")
    period_end = serializers.DateField(source="needs_list.period_end")

    class Meta:
        model = NeedsListEntry
        fields = [
            "rank",
            "topic_id",
            "title",
            "area",
            "category",
            "need_count",
            "resident_count",
            "max_urgency",
            "last_need_at",
            "score",
            "period_start",
            "period_end",
        ]


class OfferIn(serializers.Serializer):
    organization = serializers.IntegerField()
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    title = serializers.CharField(max_length=120, validators=[validate_clean_text])
    description = serializers.CharField(max_length=2000, validators=[validate_clean_text])
    areas = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(is_active=True), many=True
    )
    capacity_per_month = serializers.IntegerField(min_value=1, max_value=100000, default=10)
    is_free = serializers.BooleanField(default=True)
    price_min = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    price_max = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    valid_until = serializers.DateField()


class OfferOut(serializers.ModelSerializer):
    organization = serializers.SerializerMethodField()
    category = CategoryRef()
    areas = AreaRef(many=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "organization",
            "category",
            "title",
            "description",
            "areas",
            "capacity_per_month",
            "is_free",
            "price_min",
            "price_max",
            "valid_until",
            "state",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_organization(self, offer):
        return {"id": offer.organization_id, "name": offer.organization.name}


class WhistleIn(serializers.Serializer):
    community = serializers.SlugRelatedField(
        slug_field="code", queryset=Area.objects.filter(level="community")
    )
    category = serializers.SlugRelatedField(
        slug_field="code", queryset=Category.objects.filter(is_active=True)
    )
    problem = serializers.CharField(max_length=2000, validators=[validate_clean_text])
    urgency = serializers.ChoiceField(choices=WhistleCall.Urgency.choices, default=1)
    deadline = serializers.DateField()


class WhistleResponseOut(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name")

    class Meta:
        model = WhistleResponse
        fields = ["id", "organization", "brings", "responded_at", "response_minutes", "selected"]


class WhistleOut(serializers.ModelSerializer):
    community = AreaRef()
    category = CategoryRef()
    responses = WhistleResponseOut(many=True, read_only=True)

    class Meta:
        model = WhistleCall
        fields = [
            "id",
            "community",
            "category",
            "problem",
            "urgency",
            "deadline",
            "state",
            "raised_at",
            "responses",
        ]


class RespondIn(serializers.Serializer):
    organization = serializers.IntegerField()
    brings = serializers.CharField(max_length=1000, validators=[validate_clean_text])


class SelectIn(serializers.Serializer):
    responses = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class PromoteIn(serializers.Serializer):
    estimated_budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    service_standard = serializers.CharField(max_length=4000, validators=[validate_clean_text])
    title = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[validate_clean_text]
    )


class ConfirmIn(serializers.Serializer):
    organization = serializers.IntegerField()
    offer = serializers.IntegerField(required=False, allow_null=True)
    purchase_item = serializers.IntegerField(required=False, allow_null=True)


class MergeIn(serializers.Serializer):
    topics = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class SplitIn(serializers.Serializer):
    needs = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=120)
