"""Services (the leaf categories) and each one's definition (the community attribute)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from huitian.models import Category
from procurement import refdata
from procurement.open311.base import Open311View
from procurement.open311.errors import ErrorOut, georeport_error
from procurement.open311.schema import ServiceDefinitionOut, ServiceOut


class ServicesView(Open311View):
    xml_names = ("services", "service")

    @extend_schema(tags=["open311"], responses={200: ServiceOut})
    def get(self, request, format=None):
        rows = Category.objects.filter(is_active=True, parent__isnull=False).select_related(
            "parent"
        )
        return Response(
            [
                {
                    "service_code": c.code,
                    "service_name": c.name,
                    "description": c.name,
                    "metadata": True,
                    "type": "realtime",
                    "keywords": c.code,
                    "group": c.parent.name,
                }
                for c in rows
            ]
        )


def community_attribute() -> dict:
    """The optional `community` attribute: the active communities, street by street."""
    rows = sorted(refdata.communities().values(), key=lambda a: a.code)
    return {
        "variable": True,
        "code": "community",
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": _(
            "The community's division code. Leave it out and we place the request from "
            "its address or coordinates."
        ),
        "order": 1,
        "description": _("Community"),
        "values": [
            {"key": a.code, "name": f"{a.parent.name} {a.name}" if a.parent else a.name}
            for a in rows
        ],
    }


class ServiceDefinitionView(Open311View):
    xml_names = ("service_definition", "attribute")

    @extend_schema(tags=["open311"], responses={200: ServiceDefinitionOut, 404: ErrorOut})
    def get(self, request, service_code, format=None):
        category = refdata.categories().get(service_code)
        if category is None or category.parent_id is None:
            return georeport_error(404, _("No such service."), code="not_found")
        return Response({"service_code": category.code, "attributes": [community_attribute()]})
