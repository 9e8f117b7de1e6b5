"""Open311 as real GeoReport v2 clients use it, replayed from their recorded requests.

`data/open311_georeport_clients.jsonl` holds the HTTP requests two client libraries
sent, unmodified: `georeport` 0.3.1 (PyPI; services, service definition, requests,
one request, in JSON and XML, with its `jurisdiction_id`) and `three` 0.8 (PyPI;
POST requests.json as a urlencoded form and as multipart with a photo, with
coordinates only, an address only, a dashed phone and "first last" name). They
were recorded against a stub server and are replayed here byte for byte; the XML
answers are parsed as those clients parse them (xmltodict-like: root → item).
"""

import base64
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.test import Client

from huitian.models import Area
from procurement.models import Need
from procurement.services import needs as svc
from procurement.services.needs import triage
from tests.conftest import COMMUNITY_A1, COMMUNITY_A2, DISTRICT, api_as
from tests.procurement.factories import NeedFactory

pytestmark = pytest.mark.django_db
RECORDED = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "open311_georeport_clients.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]


def replay(client, row, **substitute):
    path = row["path"]
    for old, new in substitute.items():
        path = path.replace(old, new)
    if row["method"] == "GET":
        return client.get(path, HTTP_USER_AGENT=row["user_agent"])
    return client.generic(
        "POST",
        path,
        base64.b64decode(row["body_b64"]),
        content_type=row["content_type"],
        HTTP_USER_AGENT=row["user_agent"],
    )


def posts():
    return [r for r in RECORDED if r["method"] == "POST"]


def xml(response):
    return ElementTree.fromstring(response.content)


def test_discovery_reads_of_both_libraries_succeed(cast):
    client = Client()
    need = NeedFactory(community=cast.area(COMMUNITY_A1))
    for row in RECORDED:
        if row["method"] != "GET":
            continue
        r = replay(client, row, ABCDEFGH23=need.tracking_code)
        assert r.status_code == 200, (row["path"], r.content[:300])
        if ".xml" in row["path"]:
            assert r["Content-Type"].startswith("text/xml")
            root = xml(r)
            if "/services/" in row["path"]:
                assert root.tag == "service_definition"
                assert root.find("service_code").text == "property_management"
                attribute = root.find("attributes/attribute")
                assert attribute.find("code").text == "community"
                assert attribute.find("required").text == "false"
                keys = [v.find("key").text for v in attribute.findall("values/value")]
                assert COMMUNITY_A1 in keys and len(keys) > 100
            elif "services" in row["path"]:
                assert root.tag == "services"
                assert root.find("service/service_code") is not None
            else:
                assert root.tag == "service_requests"
        else:
            body = r.json()
            if "/services/" in row["path"]:
                attribute = body["attributes"][0]
                assert attribute["code"] == "community" and attribute["required"] is False
                assert attribute["datatype"] == "singlevaluelist"
                assert {"key": COMMUNITY_A1, "name": "回龙观街道 龙博苑社区居委会"} in attribute[
                    "values"
                ]
    # services.json says metadata: true, and the definition is there.
    services = client.get("/open311/v2/services.json").json()
    assert all(s["metadata"] for s in services)
    assert client.get("/open311/v2/services/nope.json").status_code == 404


def test_post_with_coordinates_only_is_placed_from_needs_nearby(cast):
    # Earlier needs filed at that spot tell which community it is.
    for _i in range(3):
        NeedFactory(community=cast.area(COMMUNITY_A2), lat="40.073200", lng="116.335300")
    NeedFactory(community=cast.area(COMMUNITY_A1), lat="40.090000", lng="116.335300")
    row = posts()[0]  # lat/long, description, phone "138-1234-5678", name "Li Lei"
    r = replay(Client(), row)
    assert r.status_code == 201, r.content
    code = r.json()[0]["service_request_id"]
    need = Need.objects.get(tracking_code=code)
    assert need.community.code == COMMUNITY_A2
    assert need.channel == Need.Channel.OPEN311
    assert need.contact_phone == "13812345678" and need.contact_name == "LeiLi"
    assert need.grouped_at is None  # grouped with its neighbours as usual


def test_post_with_address_only_is_placed_by_community_name(cast):
    row = posts()[1]  # address_string "北京市昌平区回龙观街道龙博苑社区 3号楼"
    r = replay(Client(), row)
    assert r.status_code == 201, r.content
    need = Need.objects.get(tracking_code=r.json()[0]["service_request_id"])
    assert need.community.code == COMMUNITY_A1 and need.anonymous


def test_post_nobody_can_place_waits_in_district_triage(cast):
    row = posts()[2]  # multipart with a photo, coordinates where no need was ever filed
    r = replay(Client(), row)
    assert r.status_code == 201, r.content
    code = r.json()[0]["service_request_id"]
    need = Need.objects.get(tracking_code=code)
    assert need.community.code == DISTRICT and triage.in_triage(need)
    assert need.grouped_at is not None  # kept out of grouping while unplaced

    # The district sees it in the triage queue; streets and communities do not.
    rows = api_as(cast.district).get("/api/v1/needs/triage/").json()["results"]
    assert [n["tracking_code"] for n in rows] == [code]
    assert api_as(cast.street_a).get("/api/v1/needs/triage/").json()["results"] == []
    assert api_as(cast.street_a).post(
        f"/api/v1/needs/{need.pk}/locate/", {"community": COMMUNITY_A1}
    ).status_code in (403, 404)

    # Open311 and the tracking page name the same handler.
    detail = Client().get(f"/open311/v2/requests/{code}.json").json()[0]
    page = Client().get(f"/needs/track/{code}/").content.decode()
    assert detail["agency_responsible"] in page
    assert (
        detail["expected_datetime"].endswith("+08:00")
        and "T23:59:59" in detail["expected_datetime"]
    )

    r = api_as(cast.district).post(
        f"/api/v1/needs/{need.pk}/locate/", {"community": COMMUNITY_A1, "note": "按坐标核实"}
    )
    assert r.status_code == 200, r.content
    need.refresh_from_db()
    assert need.community.code == COMMUNITY_A1 and need.grouped_at is None
    assert r.json()["progress"][-1]["step"] == "locate"
    # A second placement is refused: it has its community now.
    again = api_as(cast.district).post(
        f"/api/v1/needs/{need.pk}/locate/", {"community": COMMUNITY_A2}
    )
    assert again.status_code == 409 and again.json()["code"] == "not_in_triage"
    # Now community staff follow it as any other need.
    assert api_as(cast.community_a1).get(f"/api/v1/needs/{need.pk}/").status_code == 200


def test_agency_responsible_and_expected_datetime_follow_the_handler(cast):
    need = NeedFactory(community=cast.area(COMMUNITY_A1))
    svc.accept_need(need_id=need.pk, by=cast.community_a1)
    svc.assign_need(need_id=need.pk, by=cast.community_a1, area=cast.area(COMMUNITY_A1))
    row = Client().get(f"/open311/v2/requests/{need.tracking_code}.json").json()[0]
    assert row["agency_responsible"] == cast.area(COMMUNITY_A1).name
    assert row["expected_datetime"].startswith(need.resolution_due.isoformat())
    xml_row = xml(Client().get(f"/open311/v2/requests/{need.tracking_code}.xml")).find("request")
    assert xml_row.find("agency_responsible").text == cast.area(COMMUNITY_A1).name


def test_errors_in_xml_keep_georeport_shape(cast):
    r = Client().post("/open311/v2/requests.xml", {"service_code": "nope", "description": "x"})
    assert r.status_code == 400
    root = xml(r)
    assert root.tag == "errors" and root.find("error/code").text == "400"
    r = Client().post(
        "/open311/v2/requests.json",
        {"service_code": "property_management", "description": "x", "attribute[community]": "9"},
    )
    assert r.status_code == 400 and "attribute[community]" in r.json()[0]["fields"]
    assert not Need.objects.exists()
    assert Area.objects.get(code=DISTRICT).level == "district"
