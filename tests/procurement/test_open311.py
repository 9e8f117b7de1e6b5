"""Open311 GeoReport v2: services, file a request, follow it; nothing private leaks."""

import pytest

from procurement.models import Need
from tests.conftest import api_as
from tests.procurement.factories import NeedFactory

pytestmark = pytest.mark.django_db


def test_services_map_categories(api, cast):
    rows = api.get("/open311/v2/services.json").json()
    codes = {r["service_code"] for r in rows}
    assert "elderly_meals" in codes and "elderly" not in codes


def test_post_then_follow(api, cast):
    r = api.post(
        "/open311/v2/requests.json",
        {
            "service_code": "elderly_meals",
            "attribute[community]": "110114011001",
            "description": "老年餐桌午饭不够吃",
            "phone": "13812345678",
            "lat": "40.07",
            "long": "116.33",
        },
        format="multipart",
    )
    assert r.status_code == 201, r.content
    code = r.json()[0]["service_request_id"]
    need = Need.objects.get(tracking_code=code)
    assert need.channel == "open311" and need.contact_phone == "13812345678"
    row = api.get(f"/open311/v2/requests/{code}.json").json()[0]
    assert row["status"] == "open" and row["service_code"] == "elderly_meals"
    assert "description" not in row and "phone" not in str(row) and "13812345678" not in str(row)
    need.state = "closed"
    need.save()
    assert api.get(f"/open311/v2/requests/{code}.json").json()[0]["status"] == "closed"


@pytest.mark.parametrize(
    "data",
    [
        {"service_code": "nope", "attribute[community]": "110114011001", "description": "x"},
        {"service_code": "elderly_meals", "attribute[community]": "1", "description": "x"},
        {
            "service_code": "elderly_meals",
            "attribute[community]": "110114011001",
            "description": "",
        },
        {
            "service_code": "elderly_meals",
            "attribute[community]": "110114011001",
            "description": "x",
            "phone": "1",
        },
    ],
)
def test_bad_posts_are_400(api, cast, data):
    r = api.post("/open311/v2/requests.json", data, format="multipart")
    assert r.status_code == 400 and r.json()[0]["code"] == 400
    assert not Need.objects.exists()


def test_list_is_scoped_and_never_shows_contact(api, cast):
    mine = NeedFactory(submitter=cast.resident)
    other = NeedFactory(submitter=cast.resident_other)
    assert api.get("/open311/v2/requests.json").json() == []
    rows = api_as(cast.resident).get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in rows] == [mine.tracking_code]
    assert "13812345678" not in str(rows)
    # Another resident's code gives its status only, never the description.
    row = api_as(cast.resident).get(f"/open311/v2/requests/{other.tracking_code}.json").json()[0]
    assert "description" not in row
    rows = api_as(cast.community_a1).get("/open311/v2/requests.json", {"status": "open"}).json()
    assert {r["service_request_id"] for r in rows} == {mine.tracking_code, other.tracking_code}
    assert "13812345678" not in str(rows)


def test_a_request_without_a_phone_is_anonymous(api, cast):
    r = api.post(
        "/open311/v2/requests.json",
        {
            "service_code": "elderly_meals",
            "attribute[community]": "110114011001",
            "description": "老年餐桌午饭不够吃",
            "first_name": "秀英",
            "last_name": "王",
        },
        format="multipart",
    )
    assert r.status_code == 201, r.content
    need = Need.objects.get(tracking_code=r.json()[0]["service_request_id"])
    assert need.anonymous and need.contact_phone == "" and need.contact_name == ""
