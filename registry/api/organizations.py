"""The public directory of social organizations and party-building coverage (R1, R5)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from huitian.access import Forbidden, is_staff_user
from huitian.models import Area, Category
from registry import selectors, serializers
from registry.error_codes import ErrorCode
from registry.models import Organization


class OrganizationFilter(filters.FilterSet):
    area = filters.ModelChoiceFilter(
        field_name="home_area",
        queryset=Area.objects.all(),
        help_text=_("Area id: home or service area inside it"),
    )
    category = filters.ModelChoiceFilter(
        field_name="categories",
        queryset=Category.objects.all(),
        to_field_name="code",
        help_text=_("Category code (a group includes its categories)"),
    )
    legal_form = filters.ChoiceFilter(choices=Organization.LegalForm.choices)
    status = filters.ChoiceFilter(choices=Organization.Status.choices)
    search = filters.CharFilter(help_text=_("Name fragment, or an exact credit code / filing no."))

    class Meta:
        model = Organization
        fields = ["area", "category", "legal_form", "status", "search"]

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        return selectors.public_directory(
            area=data.get("area"),
            category=data.get("category"),
            legal_form=data.get("legal_form") or "",
            status=data.get("status") or "",
            search=data.get("search") or "",
        )


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """The public directory of social organizations (registered and filed)."""

    permission_classes = [permissions.AllowAny]
    filterset_class = OrganizationFilter

    def get_queryset(self):
        if self.action == "list":
            return selectors.public_directory()
        return selectors.with_list_relations(Organization.objects.all())

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.OrganizationListSerializer
        return serializers.OrganizationDetailSerializer

    @extend_schema(responses=serializers.CoverageSerializer(many=True))
    @action(
        detail=False,
        url_path="party-coverage",
        permission_classes=[permissions.IsAuthenticated],
        filterset_class=None,
        pagination_class=None,
    )
    def party_coverage(self, request):
        """Party-building coverage (R5) by street (or `?level=community`), staff only."""
        if not is_staff_user(request.user):
            raise Forbidden(
                _("Only staff see party-building coverage."), code=ErrorCode.PERMISSION_DENIED
            )
        level = request.query_params.get("level", Area.Level.STREET)
        if level not in (Area.Level.STREET, Area.Level.COMMUNITY):
            level = Area.Level.STREET
        rows = selectors.party_coverage(request.user, level=level)
        return Response(serializers.CoverageSerializer(rows, many=True).data)
