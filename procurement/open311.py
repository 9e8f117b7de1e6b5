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
"""

import datetime
import re
from decimal import Decimal
from xml.etree import ElementTree

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, renderers, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from huitian.access import visible
from huitian.api.errors import exception_handler as kernel_exception_handler
from huitian.api.permissions import ReadOnlyRolesWriteNothing
from huitian.api.serializers import StrictCharField
from huitian.api.throttling import AnonBurstThrottle, WriteThrottle
from huitian.models import Area, Category
from huitian.validators import validate_clean_text, validate_phone
from procurement import refdata
from procurement.models import Need
from procurement.models.needs import TEXT_LIMIT
from procurement.services import needs as svc
from procurement.services.needs import triage

CLOSED = {"closed", "closed_unresolved", "rejected"}
MAX_CODES = 50
TRACKING_RE = re.compile(r"^[0-9A-Z]{1,12}$")
COMMUNITY = "attribute[community]"
# The need's field a service error names → the Open311 field the caller sent.
FIELD_NAMES = {
    "text": "description",
    "title": "description",
    "address": "address_string",
    "lng": "long",
    "contact_phone": "phone",
    "contact_name": "last_name",
    "community": COMMUNITY,
    "category": "service_code",
}


def _error(status, description, fields=None, code="error"):
    return Response(
        [{"code": status, "description": str(description), "error": code, "fields": fields or {}}],
        status=status,
    )


def georeport_exception_handler(exc, context):
    """The kernel's handler, its one error shape re-dressed as a GeoReport error list."""
    response = kernel_exception_handler(exc, context)
    if response is None:
        return None
    body = response.data
    fields = body.get("fields") or {}
    description = body.get("detail", "")
    if fields:
        name, messages = next(iter(fields.items()))
        description = f"{name}: {messages[0]}"
    response.data = [
        {
            "code": response.status_code,
            "description": description,
            "error": body.get("code", "error"),
            "fields": fields,
        }
    ]
    return response


# GeoReport errors are a list; written out as a raw schema because drf-spectacular
# does not wrap error responses of a `many=True` serializer in an array.
ErrorOut = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "code": {"type": "integer", "description": "The HTTP status"},
            "description": {"type": "string"},
            "error": {"type": "string", "description": "The API's error code"},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["code", "description", "error", "fields"],
    },
}


class GeoReportXMLRenderer(renderers.BaseRenderer):
    """GeoReport's XML: `<services><service>…`, `<service_requests><request>…`,
    `<service_definition>…`, `<errors><error>…`; lists of values repeat their item."""

    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"
    # A list in a field → the element each of its items is written as.
    ITEMS = {"attributes": "attribute", "values": "value"}

    def render(self, data, accepted_media_type=None, renderer_context=None):
        context = renderer_context or {}
        response = context.get("response")
        view = context.get("view")
        if response is not None and response.status_code >= 400:
            root, item = "errors", "error"
        else:
            root, item = getattr(view, "xml_names", ("response", "item"))
        top = ElementTree.Element(root)
        if isinstance(data, list):
            for row in data:
                self._fill(ElementTree.SubElement(top, item), row)
        else:
            self._fill(top, data)
        return b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(
            top, encoding="utf-8", xml_declaration=False
        )

    def _fill(self, element, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                self._fill(ElementTree.SubElement(element, str(key)), inner)
        elif isinstance(value, list):
            child = self.ITEMS.get(element.tag, "item")
            for inner in value:
                self._fill(ElementTree.SubElement(element, child), inner)
        elif value is None:
            element.text = ""
        elif isinstance(value, bool):
            element.text = "true" if value else "false"
        else:
            element.text = str(value)


ServiceOut = inline_serializer(
    "Open311Service",
    {
        "service_code": serializers.CharField(),
        "service_name": serializers.CharField(),
        "description": serializers.CharField(),
        "metadata": serializers.BooleanField(),
        "type": serializers.CharField(),
        "keywords": serializers.CharField(),
        "group": serializers.CharField(),
    },
    many=True,
)
RequestOut = inline_serializer(
    "Open311Request",
    {
        "service_request_id": serializers.CharField(),
        "status": serializers.CharField(help_text="open or closed"),
        "status_notes": serializers.CharField(),
        "service_name": serializers.CharField(),
        "service_code": serializers.CharField(),
        "agency_responsible": serializers.CharField(),
        "requested_datetime": serializers.DateTimeField(),
        "updated_datetime": serializers.DateTimeField(),
        "expected_datetime": serializers.DateTimeField(
            allow_null=True, help_text="The end of the resolution deadline's day"
        ),
        "description": serializers.CharField(required=False),
        "address": serializers.CharField(required=False),
        "lat": serializers.FloatField(required=False, allow_null=True),
        "long": serializers.FloatField(required=False, allow_null=True),
        "media_url": serializers.CharField(required=False, allow_null=True),
    },
    many=True,
)
CreatedOut = inline_serializer(
    "Open311Created",
    {"service_request_id": serializers.CharField(), "service_notice": serializers.CharField()},
    many=True,
)


AttributeValueOut = inline_serializer(
    "Open311AttributeValue",
    {"key": serializers.CharField(), "name": serializers.CharField()},
    many=True,
)
ServiceDefinitionOut = inline_serializer(
    "Open311ServiceDefinition",
    {
        "service_code": serializers.CharField(),
        "attributes": inline_serializer(
            "Open311Attribute",
            {
                "variable": serializers.BooleanField(),
                "code": serializers.CharField(),
                "datatype": serializers.CharField(),
                "required": serializers.BooleanField(),
                "datatype_description": serializers.CharField(),
                "order": serializers.IntegerField(),
                "description": serializers.CharField(),
                "values": AttributeValueOut,
            },
            many=True,
        ),
    },
)


class Open311View(APIView):
    """Anonymous callers are welcome; the kernel's limits and refusals still hold."""

    permission_classes = [permissions.AllowAny, ReadOnlyRolesWriteNothing]
    throttle_classes = [AnonBurstThrottle, WriteThrottle]
    renderer_classes = [renderers.JSONRenderer, GeoReportXMLRenderer]
    xml_names = ("service_requests", "request")

    def get_exception_handler(self):
        return georeport_exception_handler


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
            return _error(404, _("No such service."), code="not_found")
        return Response({"service_code": category.code, "attributes": [community_attribute()]})


def _expected(need: Need) -> str | None:
    if not need.resolution_due or need.state in CLOSED:
        return None
    end = datetime.datetime.combine(need.resolution_due, datetime.time(23, 59, 59))
    return timezone.make_aware(end).isoformat()


def _render(need: Need, full: bool) -> dict:
    row = {
        "service_request_id": need.tracking_code,
        "status": "closed" if need.state in CLOSED else "open",
        "status_notes": svc.resident_state_label(need),
        "service_name": need.category.name,
        "service_code": need.category.code,
        "agency_responsible": svc.handler_name(need),
        "requested_datetime": need.created_at.isoformat(),
        "updated_datetime": need.updated_at.isoformat(),
        "expected_datetime": _expected(need),
    }
    if full:
        row.update(
            {
                "description": need.text,
                "address": need.address,
                "lat": float(need.lat) if need.lat is not None else None,
                "long": float(need.lng) if need.lng is not None else None,
                "media_url": None,
            }
        )
    return row


def _base():
    return Need.objects.select_related("category", "community", "assigned_org", "assigned_area")


class RequestsQuery(serializers.Serializer):
    service_request_id = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    service_code = serializers.CharField(required=False, allow_blank=True, max_length=64)
    status = serializers.ChoiceField(choices=["open", "closed"], required=False, allow_blank=True)


class RequestIn(serializers.Serializer):
    """A new service request, bounded as the need it becomes (GeoReport field names)."""

    service_code = StrictCharField(max_length=64)
    description = StrictCharField(max_length=TEXT_LIMIT, validators=[validate_clean_text])
    phone = StrictCharField(
        max_length=20, required=False, allow_blank=True, validators=[validate_phone]
    )
    address_string = StrictCharField(
        max_length=200, required=False, allow_blank=True, validators=[validate_clean_text]
    )
    first_name = StrictCharField(
        max_length=30, required=False, allow_blank=True, validators=[validate_clean_text]
    )
    last_name = StrictCharField(
        max_length=30, required=False, allow_blank=True, validators=[validate_clean_text]
    )
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    long = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[COMMUNITY] = StrictCharField(
            max_length=12,
            required=False,
            allow_blank=True,
            help_text=gettext_lazy(
                "Optional: the community's division code (see GET services/{code}.json)."
            ),
        )

    @staticmethod
    def from_request(data) -> dict:
        """The fields we read, from a form or a JSON object (`attribute` may be nested)."""
        if not hasattr(data, "get") or not hasattr(data, "keys"):
            raise ValidationError(
                {"non_field_errors": [_("Send the request as a form or a JSON object.")]}
            )
        wanted = [name for name in RequestIn._declared_fields if name in data]
        out = {name: data.get(name) for name in wanted}
        for coordinate in ("lat", "long"):
            if out.get(coordinate) == "":
                out[coordinate] = None
        attribute = data.get("attribute")
        if COMMUNITY in data:
            out[COMMUNITY] = data.get(COMMUNITY)
        elif "community" in data:
            out[COMMUNITY] = data.get("community")
        elif isinstance(attribute, dict) and "community" in attribute:
            out[COMMUNITY] = attribute["community"]
        return out


def _coordinate(value) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


class RequestsView(Open311View):
    @extend_schema(
        tags=["open311"],
        parameters=[RequestsQuery],
        responses={200: RequestOut, 400: ErrorOut},
    )
    def get(self, request, format=None):
        query = RequestsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        codes = [
            code
            for code in (c.strip().upper() for c in q.get("service_request_id", "").split(","))
            if TRACKING_RE.match(code)
        ][:MAX_CODES]
        mine = visible(request.user, _base().all())
        if codes:
            seen = set(mine.filter(tracking_code__in=codes).values_list("pk", flat=True))
            rows = _base().filter(tracking_code__in=codes)
            return Response([_render(n, n.pk in seen) for n in rows])
        if q.get("service_request_id"):
            return Response([])
        qs = mine.order_by("-created_at")
        if q.get("service_code"):
            qs = qs.filter(category__code=q["service_code"])
        if q.get("status") == "open":
            qs = qs.exclude(state__in=CLOSED)
        elif q.get("status") == "closed":
            qs = qs.filter(state__in=CLOSED)
        return Response([_render(n, True) for n in qs[:200]])

    @extend_schema(
        tags=["open311"],
        request=RequestIn,
        responses={201: CreatedOut, 400: ErrorOut, 403: ErrorOut, 413: ErrorOut, 429: ErrorOut},
    )
    def post(self, request, format=None):
        payload = RequestIn(data=RequestIn.from_request(request.data))
        payload.is_valid(raise_exception=True)
        v = payload.validated_data
        category = Category.objects.filter(code=v["service_code"], is_active=True).first()
        if category is None:
            raise ValidationError({"service_code": [_("Unknown service.")]})
        community = None
        if v.get(COMMUNITY):
            community = Area.objects.filter(
                code=v[COMMUNITY], level=Area.Level.COMMUNITY, is_active=True
            ).first()
            if community is None:
                unknown = _("Unknown community: see the codes in GET services/{code}.json.")
                raise ValidationError({COMMUNITY: [unknown]})
        description = v["description"]
        try:
            need = triage.submit_located(
                channel=Need.Channel.OPEN311,
                community=community,
                category=category,
                title=description[:40],
                text=description,
                address=v.get("address_string", ""),
                lat=_coordinate(v.get("lat")),
                lng=_coordinate(v.get("long")),
                contact_name=f"{v.get('last_name', '')}{v.get('first_name', '')}".strip(),
                contact_phone=v.get("phone", ""),
                # A GeoReport client may send no phone: such a request is anonymous.
                anonymous=not v.get("phone", "").strip(),
                submitter=request.user if request.user.is_authenticated else None,
            )
        except DjangoValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            raise ValidationError(
                {FIELD_NAMES.get(k, k or "non_field_errors"): m for k, m in errors.items()}
            ) from exc
        return Response(
            [
                {
                    "service_request_id": need.tracking_code,
                    "service_notice": _("Keep this code to follow your request."),
                }
            ],
            status=201,
        )


class RequestDetailView(Open311View):
    @extend_schema(tags=["open311"], responses={200: RequestOut, 404: ErrorOut})
    def get(self, request, code, format=None):
        code = code.upper()
        need = _base().filter(tracking_code=code).first() if TRACKING_RE.match(code) else None
        if need is None:
            return _error(404, _("No such service request."), code="not_found")
        full = visible(request.user, Need.objects.filter(pk=need.pk)).exists()
        return Response([_render(need, full)])


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
