"""Service requests: submit one (placed in its community or the triage queue), read them."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from huitian.access import visible
from huitian.api.serializers import StrictCharField
from huitian.models import Area, Category
from huitian.validators import validate_clean_text, validate_phone
from procurement.models import Need
from procurement.models.needs import TEXT_LIMIT
from procurement.open311.base import Open311View
from procurement.open311.errors import ErrorOut, georeport_error
from procurement.open311.schema import CreatedOut, RequestOut
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
            return georeport_error(404, _("No such service request."), code="not_found")
        full = visible(request.user, Need.objects.filter(pk=need.pk)).exists()
        return Response([_render(need, full)])
