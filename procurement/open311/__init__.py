"""Open311 GeoReport v2 (JSON and XML) over the needs intake.

Services are the leaf categories; service_request_id is the tracking code.
`GET services/{code}.json` defines each service: one optional attribute,
`community`, a single-value list of the communities' division codes and names. A
request without it is placed from its address or coordinates
(`procurement.services.needs.triage`), or waits in the district triage queue.
`agency_responsible` names the handler the tracking page names; `expected_datetime`
is the end of the resolution deadline's day. The channel recorded is Open311.
Status: open while the need is being handled, closed once closed/rejected.
Privacy: no contact is ever returned; the description and location only to
callers who may see the need (its submitter, staff of its area, the assigned
organization); a bare tracking code gives its status, as on the tracking page.

Errors speak GeoReport: a list with one `{"code": <HTTP status>, "description"}`,
to which we add the kernel's error code (`error`) and the offending `fields`, so
Open311 clients and our own app both find the field. Every error, parse errors,
size limits, throttling and read-only refusals included, comes in that shape.
The door obeys the API kernel's rules: bounded JSON, size caps, the anonymous
write throttle, and read-only roles write nothing.

The package, by concept: `catalogue` (services and their definitions),
`service_requests` (submit, list, detail), `errors` (the GeoReport error list),
`xml_format` (the XML renderer), `schema` (response shapes), `base` (the shared view).
"""

from procurement.open311.catalogue import (
    ServiceDefinitionView,
    ServicesView,
    community_attribute,
)
from procurement.open311.errors import ErrorOut, georeport_exception_handler
from procurement.open311.service_requests import RequestDetailView, RequestIn, RequestsView
from procurement.open311.xml_format import GeoReportXMLRenderer

__all__ = [
    "ErrorOut",
    "GeoReportXMLRenderer",
    "RequestDetailView",
    "RequestIn",
    "RequestsView",
    "ServiceDefinitionView",
    "ServicesView",
    "community_attribute",
    "georeport_exception_handler",
    "request_detail",
    "request_detail_xml",
    "requests_view",
    "requests_xml",
    "service_definition",
    "service_definition_xml",
    "services",
    "services_xml",
]


def _xml_twin(view_class):
    """The same door answering in XML; the schema documents the JSON one only."""
    return type(f"{view_class.__name__}XML", (view_class,), {"schema": None}).as_view()


# The names procurement/urls.py routes to.
services = ServicesView.as_view()
service_definition = ServiceDefinitionView.as_view()
requests_view = RequestsView.as_view()
request_detail = RequestDetailView.as_view()
services_xml = _xml_twin(ServicesView)
service_definition_xml = _xml_twin(ServiceDefinitionView)
requests_xml = _xml_twin(RequestsView)
request_detail_xml = _xml_twin(RequestDetailView)
