"""What every Open311 door shares: anonymous welcome, the kernel's limits, both formats."""

from rest_framework import permissions, renderers
from rest_framework.views import APIView

from huitian.api.permissions import ReadOnlyRolesWriteNothing
from huitian.api.throttling import AnonBurstThrottle, WriteThrottle
from procurement.open311.errors import georeport_exception_handler
from procurement.open311.xml_format import GeoReportXMLRenderer


class Open311View(APIView):
    """Anonymous callers are welcome; the kernel's limits and refusals still hold."""

    permission_classes = [permissions.AllowAny, ReadOnlyRolesWriteNothing]
    throttle_classes = [AnonBurstThrottle, WriteThrottle]
    renderer_classes = [renderers.JSONRenderer, GeoReportXMLRenderer]
    xml_names = ("service_requests", "request")

    def get_exception_handler(self):
        return georeport_exception_handler
