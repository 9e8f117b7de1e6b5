"""GET /api/v1/purchases/ocds/: the public purchase projects as an OCDS 1.1 release
package (`procurement.ocds`). Public, read-only, no personal data, no bank details."""

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.response import Response

from procurement import ocds


class OcdsViewSet(viewsets.GenericViewSet):
    """Open Contracting Data Standard export of purchases of services (D2)."""

    permission_classes = [permissions.AllowAny]
    pagination_class = None

    def get_queryset(self):
        return ocds.public_projects()

    @extend_schema(
        summary=gettext_lazy("Purchases of services as an OCDS 1.1 release package"),
        description=gettext_lazy(
            "One release per public purchase project: planning (budget), tender, award, "
            "contract with its yearly evaluations (assessment milestones) and paid "
            "installments (implementation transactions). Validates against the official "
            "OCDS 1.1 release-package schema. No personal data and no bank details."
        ),
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "package",
                value={
                    "uri": "https://example.cn/api/v1/purchases/ocds/",
                    "version": "1.1",
                    "publishedDate": "2026-11-30T10:00:00+08:00",
                    "publisher": {"name": "回天地区社会组织服务平台"},
                    "releases": [],
                },
                response_only=True,
            )
        ],
    )
    def list(self, request):
        package = ocds.release_package(
            self.get_queryset(), uri=request.build_absolute_uri(request.path)
        )
        return Response(package, content_type="application/json")
