"""Open311 GeoReport v2 (JSON) over the needs intake.

Services are the leaf categories; service_request_id is the tracking code.
Status: open while the need is being handled, closed once closed/rejected.
Privacy: no contact is ever returned; the description and location only to
callers who may see the need (its submitter, staff of its area, the assigned
organization); a bare tracking code gives its status, as on the tracking page.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from huitian.access import visible
from huitian.models import Area, Category
from huitian.validators import validate_phone
from procurement.models import Need
from procurement.services import needs as svc

CLOSED = {"closed", "closed_unresolved", "rejected"}


def _error(status, description):
    return Response([{"code": status, "description": str(description)}], status=status)


@extend_schema(tags=["open311"], responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def services(request):
    rows = Category.objects.filter(is_active=True, parent__isnull=False).select_related("parent")
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


def _render(need: Need, full: bool) -> dict:
    row = {
        "service_request_id": need.tracking_code,
        "status": "closed" if need.state in CLOSED else "open",
        "status_notes": need.get_state_display(),
        "service_name": need.category.name,
        "service_code": need.category.code,
        "agency_responsible": need.assigned_org.name if need.assigned_org_id else "",
        "requested_datetime": need.created_at.isoformat(),
        "updated_datetime": need.updated_at.isoformat(),
        "expected_datetime": need.resolution_due.isoformat() if need.resolution_due else None,
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
    return Need.objects.select_related("category", "assigned_org")


@extend_schema(tags=["open311"], request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
@api_view(["GET", "POST"])
@permission_classes([permissions.AllowAny])
def requests_view(request):
    if request.method == "POST":
        return _create(request)
    codes = [
        c.strip().upper()
        for c in request.query_params.get("service_request_id", "").split(",")
        if c.strip()
    ]
    mine = visible(request.user, _base().all())
    if codes:
        seen = set(mine.filter(tracking_code__in=codes).values_list("pk", flat=True))
        rows = _base().filter(tracking_code__in=codes[:50])
        return Response([_render(n, n.pk in seen) for n in rows])
    qs = mine.order_by("-created_at")
    if request.query_params.get("service_code"):
        qs = qs.filter(category__code=request.query_params["service_code"])
    status = request.query_params.get("status")
    if status == "open":
        qs = qs.exclude(state__in=CLOSED)
    elif status == "closed":
        qs = qs.filter(state__in=CLOSED)
    return Response([_render(n, True) for n in qs[:200]])


@extend_schema(tags=["open311"], responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def request_detail(request, code):
    need = _base().filter(tracking_code=code.upper()).first()
    if need is None:
        return _error(404, _("No such service request."))
    full = visible(request.user, Need.objects.filter(pk=need.pk)).exists()
    return Response([_render(need, full)])


def _create(request):
    d = request.data
    get = (lambda k: d.get(k, "")) if hasattr(d, "get") else (lambda k: "")
    category = Category.objects.filter(code=get("service_code"), is_active=True).first()
    if category is None:
        return _error(400, _("service_code: unknown service."))
    community_code = get("attribute[community]") or get("community")
    community = Area.objects.filter(
        code=community_code, level=Area.Level.COMMUNITY, is_active=True
    ).first()
    if community is None:
        return _error(400, _("attribute[community]: give the community's division code."))
    description = (get("description") or "").strip()
    if not description:
        return _error(400, _("description: this field is required."))
    phone = get("phone") or ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            return _error(400, f"phone: {exc.messages[0]}")
    try:
        need = svc.submit_need(
            channel=Need.Channel.API,
            community=community,
            category=category,
            title=description[:40],
            text=description,
            address=get("address_string") or "",
            lat=get("lat") or None,
            lng=get("long") or None,
            contact_name=f"{get('last_name')}{get('first_name')}".strip(),
            contact_phone=phone,
            submitter=request.user if request.user.is_authenticated else None,
        )
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        return _error(400, f"{field}: {messages[0]}")
    return Response(
        [
            {
                "service_request_id": need.tracking_code,
                "service_notice": _("Keep this code to follow your request."),
            }
        ],
        status=201,
    )
