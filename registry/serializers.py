from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from huitian.access import is_staff_user
from huitian.api.serializers import AreaRefSerializer, CategoryRefSerializer
from huitian.models import Area, Category
from huitian.validators import mask_phone
from registry.models import (
    AgencyRecord,
    AnnualReport,
    Certification,
    Deregistration,
    Filing,
    Interview,
    LiquidationAsset,
    Organization,
    RegistrationApplication,
    RegistrationDocument,
)


class OrganizationListSerializer(serializers.ModelSerializer):
    home_area = AreaRefSerializer()
    street = serializers.SerializerMethodField()
    categories = CategoryRefSerializer(many=True)
    legal_form_display = serializers.CharField(source="get_legal_form_display")
    registration_level_display = serializers.CharField(source="get_registration_level_display")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "uscc",
            "filing_number",
            "legal_form",
            "legal_form_display",
            "registration_level",
            "registration_level_display",
            "status",
            "status_display",
            "home_area",
            "street",
            "categories",
        ]

    def get_street(self, org) -> str:
        area = org.home_area
        if area.level == Area.Level.COMMUNITY and area.parent_id:
            return area.parent.name
        return area.name if area.level == Area.Level.STREET else ""


class OrganizationDetailSerializer(OrganizationListSerializer):
    service_areas = AreaRefSerializer(many=True)
    contact_phone = serializers.SerializerMethodField()
    party_organization_display = serializers.CharField(source="get_party_organization_display")
    annual_conclusions = serializers.SerializerMethodField()

    class Meta(OrganizationListSerializer.Meta):
        fields = [
            *OrganizationListSerializer.Meta.fields,
            "service_areas",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "address",
            "description",
            "founded_on",
            "staff_count",
            "volunteer_count",
            "introduced_from",
            "office_space",
            "party_organization",
            "party_organization_display",
            "party_member_count",
            "five_party_participation",
            "certificate_number",
            "certified_until",
            "alliance_member",
            "merged_into",
            "annual_conclusions",
        ]

    def get_contact_phone(self, org) -> str:
        request = self.context.get("request")
        if request and is_staff_user(request.user):
            return org.contact_phone
        return mask_phone(org.contact_phone) if org.contact_phone else ""

    def get_annual_conclusions(self, org) -> list[dict]:
        return [
            {"year": r.year, "conclusion": r.conclusion, "label": r.get_conclusion_display()}
            for r in org.annual_reports.exclude(conclusion="").order_by("-year")
        ]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegistrationDocument
        fields = ["id", "title", "file", "uploaded_at"]


class RegistrationSerializer(serializers.ModelSerializer):
    state = serializers.CharField(
        read_only=True,
        help_text="draft · submitted · returned · accepted · approved · rejected",
    )
    home_area = AreaRefSerializer(read_only=True)
    categories = CategoryRefSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = RegistrationApplication
        fields = [
            "id",
            "state",
            "state_display",
            "channel",
            "name",
            "legal_form",
            "registration_level",
            "home_area",
            "categories",
            "uscc",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "purpose",
            "missing_items",
            "submitted_at",
            "accepted_on",
            "decision_due",
            "decided_at",
            "decision_note",
            "organization",
            "documents",
            "created_at",
        ]


class RegistrationQueueSerializer(RegistrationSerializer):
    days_left = serializers.IntegerField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    is_near_due = serializers.BooleanField(read_only=True)

    class Meta(RegistrationSerializer.Meta):
        fields = [
            "id",
            "state",
            "state_display",
            "name",
            "legal_form",
            "home_area",
            "accepted_on",
            "decision_due",
            "days_left",
            "is_overdue",
            "is_near_due",
        ]


class RegistrationInputSerializer(serializers.ModelSerializer):
    home_area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.filter(is_active=True).exclude(level=Area.Level.DISTRICT)
    )
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Category.objects.filter(is_active=True)
    )
    submit = serializers.BooleanField(default=True, write_only=True)

    class Meta:
        model = RegistrationApplication
        fields = [
            "name",
            "legal_form",
            "registration_level",
            "home_area",
            "categories",
            "uscc",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "purpose",
            "submit",
        ]


class RegistrationUpdateSerializer(RegistrationInputSerializer):
    class Meta(RegistrationInputSerializer.Meta):
        fields = [f for f in RegistrationInputSerializer.Meta.fields if f != "submit"]
        extra_kwargs = {f: {"required": False} for f in fields}


class ReturnSerializer(serializers.Serializer):
    missing_items = serializers.ListField(child=serializers.CharField(max_length=200))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ApproveSerializer(serializers.Serializer):
    uscc = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Required."))


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DocumentInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    file = serializers.FileField()


class FilingSerializer(serializers.ModelSerializer):
    state = serializers.CharField(
        read_only=True, help_text="submitted · returned · reviewed · filed · refused"
    )
    community = AreaRefSerializer(read_only=True)
    categories = CategoryRefSerializer(many=True, read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    filing_number = serializers.CharField(
        source="organization.filing_number", read_only=True, default=None
    )

    class Meta:
        model = Filing
        fields = [
            "id",
            "state",
            "state_display",
            "name",
            "community",
            "categories",
            "leader_name",
            "contact_phone",
            "member_count",
            "activities",
            "review_note",
            "submitted_at",
            "filed_at",
            "organization",
            "filing_number",
            "created_at",
        ]


class FilingInputSerializer(serializers.ModelSerializer):
    community = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.filter(is_active=True, level=Area.Level.COMMUNITY)
    )
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Category.objects.filter(is_active=True)
    )

    class Meta:
        model = Filing
        fields = [
            "name",
            "community",
            "categories",
            "leader_name",
            "contact_phone",
            "member_count",
            "activities",
        ]


class AnnualReportSerializer(serializers.ModelSerializer):
    conclusion_display = serializers.CharField(source="get_conclusion_display", read_only=True)

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "organization",
            "year",
            "summary",
            "income",
            "expenditure",
            "file",
            "submitted_at",
            "conclusion",
            "conclusion_display",
            "concluded_at",
        ]
        read_only_fields = ["submitted_at", "conclusion", "concluded_at"]


class ConclusionSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=AnnualReport.Conclusion.choices)


class CoverageSerializer(serializers.Serializer):
    area = AreaRefSerializer()
    organizations = serializers.IntegerField()
    with_party_organization = serializers.IntegerField()
    five_party = serializers.IntegerField()
    ratio = serializers.FloatField()


class CertificationSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text="submitted · certified · refused")
    batch = serializers.IntegerField(source="batch.year", read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id",
            "batch",
            "organization",
            "field",
            "description",
            "evidence",
            "state",
            "certificate_number",
            "valid_until",
            "decision_note",
            "created_at",
        ]
        read_only_fields = ["certificate_number", "valid_until", "decision_note", "created_at"]


# --- Enforcement and exit (R9), the four agency services (R6) -----------------------------


class InterviewSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)
    conducted_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = Interview
        fields = [
            "id",
            "organization",
            "organization_name",
            "reason",
            "reason_display",
            "details",
            "held_on",
            "outcome",
            "follow_up_on",
            "conducted_by",
        ]


class InterviewOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    follow_up_on = serializers.DateField(required=False, allow_null=True, default=None)


class LiquidationAssetSerializer(serializers.ModelSerializer):
    disposal_display = serializers.CharField(source="get_disposal_display", read_only=True)

    class Meta:
        model = LiquidationAsset
        fields = [
            "id",
            "description",
            "value",
            "disposal",
            "disposal_display",
            "disposed_value",
            "recipient",
        ]
        read_only_fields = ["disposal", "disposed_value", "recipient"]


class DisposalSerializer(serializers.Serializer):
    asset = serializers.IntegerField(help_text=_("Id of an asset of this deregistration."))
    disposal = serializers.ChoiceField(
        choices=[c for c in LiquidationAsset.Disposal.choices if c[0]]
    )
    disposed_value = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    recipient = serializers.CharField(max_length=200)


class DeregistrationSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text="applied · liquidating · deregistered")
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    assets = LiquidationAssetSerializer(many=True, read_only=True)
    inventory_problems = serializers.SerializerMethodField()

    class Meta:
        model = Deregistration
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "reason",
            "surviving_organization",
            "state",
            "state_display",
            "assets",
            "inventory_problems",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def get_inventory_problems(self, dereg) -> list[str]:
        from registry.services import inventory_problems

        if dereg.state != Deregistration.State.LIQUIDATING:
            return []
        return [str(p) for p in inventory_problems(dereg)]


class AgencyRecordSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    recorded_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = AgencyRecord
        fields = [
            "id",
            "organization",
            "organization_name",
            "kind",
            "kind_display",
            "date",
            "title",
            "counterparty",
            "amount",
            "notes",
            "recorded_by",
            "created_at",
        ]
        read_only_fields = ["created_at"]
