"""The directory and its party-building coverage."""

from rest_framework import serializers

from huitian.api.serializers import AreaRefSerializer, CategoryRefSerializer
from huitian.models import Area
from registry import selectors
from registry.models import Organization


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
    contact_name = serializers.SerializerMethodField()
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

    def _contacts(self, org):
        request = self.context.get("request")
        return selectors.contacts_for(request.user if request else None, org)

    def get_contact_name(self, org) -> str:
        return self._contacts(org).name

    def get_contact_phone(self, org) -> str:
        return self._contacts(org).phone

    def get_annual_conclusions(self, org) -> list[dict]:
        return [
            {"year": r.year, "conclusion": r.conclusion, "label": r.get_conclusion_display()}
            for r in org.annual_reports.exclude(conclusion="").order_by("-year")
        ]


class CoverageSerializer(serializers.Serializer):
    area = AreaRefSerializer()
    organizations = serializers.IntegerField()
    with_party_organization = serializers.IntegerField()
    five_party = serializers.IntegerField()
    ratio = serializers.FloatField()
