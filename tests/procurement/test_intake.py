"""Needs intake through the API: validation, idempotency, scoping, privacy, broker down."""

import pytest

from huitian.models import Role
from procurement.models import Need
from tests.conftest import api_as, make_user

pytestmark = pytest.mark.django_db

URL = "/api/v1/needs/"


def body(**over):
    data = {
        "community": "110114011001",
        "category": "elderly_meals",
        "title": "老年餐桌午饭不够",
        "text": "三号楼老年餐桌中午饭菜经常不够，高龄老人吃不上午饭",
        "contact_name": "王秀英",
        "contact_phone": "13812345678",
    }
    data.update(over)
    return data


def test_resident_submits_need_and_gets_tracking_code(cast):
    r = api_as(cast.resident).post(URL, body(), format="json")
    assert r.status_code == 201, r.content
    need = Need.objects.get(pk=r.data["id"])
    assert len(r.data["tracking_code"]) == 10
    assert need.submitter == cast.resident
    assert need.state == "received"
    assert need.response_due and need.resolution_due > need.response_due
    # The resident's own contact comes back masked: only handling staff see it.
    assert r.data["contact_phone"] == "138****5678"
    assert r.data["contact_name"] == "王**"
    # Areas and categories use the shapes every app shares (huitian.api.serializers).
    assert r.data["community"] == {
        "id": need.community_id,
        "code": "110114011001",
        "name": need.community.name,
        "level": "community",
    }
    assert r.data["street"]["id"] == need.community.parent_id
    assert r.data["street"]["level"] == "street"
    assert r.data["category"] == {
        "id": need.category_id,
        "code": "elderly_meals",
        "name": need.category.name,
    }


@pytest.mark.parametrize(
    "over,field",
    [
        ({"community": "999999999999"}, "community"),
        ({"category": "no_such"}, "category"),
        ({"title": ""}, "title"),
        ({"text": "长" * 2001}, "text"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"text": "bad\x00text"}, "text"),
        ({"lat": "123.5"}, "lat"),
    ],
)
def test_bad_fields_answer_400_with_the_field(cast, over, field):
    r = api_as(cast.resident).post(URL, body(**over), format="json")
    assert r.status_code == 400
    assert r.data["code"]
    assert field in r.data["fields"], r.data
    assert not Need.objects.exists()


def test_too_many_and_too_large_photos_are_refused(cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def photo(size=10, head=b"\xff\xd8\xff\xe0"):
        return SimpleUploadedFile("a.jpg", head + b"0" * size, content_type="image/jpeg")

    data = body()
    data["photos"] = [photo() for _ in range(7)]
    r = api_as(cast.resident).post(URL, data, format="multipart")
    assert r.status_code == 400 and "photos" in r.data["fields"]
    data["photos"] = [photo(6 * 1024 * 1024)]
    r = api_as(cast.resident).post(URL, data, format="multipart")
    assert r.status_code == 400 and "photos" in r.data["fields"]
    # The client's content type is not trusted: the bytes say what the file is.
    data["photos"] = [photo(head=b"<script>")]
    r = api_as(cast.resident).post(URL, data, format="multipart")
    assert r.status_code == 400 and "photos" in r.data["fields"]
    data["photos"] = [photo(), photo()]
    r = api_as(cast.resident).post(URL, data, format="multipart")
    assert r.status_code == 201
    assert Need.objects.get().photos.count() == 2


def test_idempotency_key_returns_first_need_and_refuses_other_body(cast):
    client = api_as(cast.resident)
    first = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.data["id"] == first.data["id"]
    assert Need.objects.count() == 1
    other = client.post(URL, body(title="别的事情"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert Need.objects.count() == 1


def test_anonymous_cannot_use_the_app_api(api):
    r = api.post(URL, body(), format="json")
    assert r.status_code in (401, 403)  # which one depends on the authentication classes
    assert not Need.objects.exists()


def test_need_is_saved_with_broker_down_and_grouped_by_the_sweep(cast, broker_down):
    from huitian.sweep import run_sweepers

    r = api_as(cast.resident).post(URL, body(), format="json")
    assert r.status_code == 201
    need = Need.objects.get(pk=r.data["id"])
    assert need.grouped_at is None and need.topic is None
    run_sweepers(100)
    need.refresh_from_db()
    assert need.grouped_at is not None and need.topic is not None
    assert "老年" in need.tokens


def test_list_is_scoped_to_the_caller(cast):
    from tests.procurement.factories import NeedFactory, community

    mine = NeedFactory(submitter=cast.resident)
    theirs = NeedFactory(submitter=cast.resident_other)
    b1 = NeedFactory(community=community("110114008001"))
    ids = lambda u: {row["id"] for row in api_as(u).get(URL).data["results"]}  # noqa: E731
    assert ids(cast.resident) == {mine.pk}
    assert ids(cast.resident_other) == {theirs.pk}
    assert ids(cast.community_a1) == {mine.pk, theirs.pk}
    assert ids(cast.street_b) == {b1.pk}
    assert ids(cast.district) == {mine.pk, theirs.pk, b1.pk}
    assert api_as(cast.resident).get(f"{URL}{theirs.pk}/").status_code == 404
    assert api_as(cast.street_b).get(f"{URL}{mine.pk}/").status_code == 404


def test_contact_is_full_only_for_handling_staff(cast):
    from tests.procurement.factories import NeedFactory, OrganizationFactory

    org = OrganizationFactory()
    member = make_user("member", Role.ORG_MEMBER, organization=org)
    need = NeedFactory(submitter=cast.resident, assigned_org=org)
    seen = lambda u: api_as(u).get(f"{URL}{need.pk}/").data["contact_phone"]  # noqa: E731
    assert seen(cast.community_a1) == "13812345678"
    assert seen(cast.street_a) == "13812345678"
    assert seen(cast.resident) == "138****5678"
    assert seen(member) == "138****5678"
    assert seen(cast.auditor) == "138****5678"


def test_list_query_count_does_not_grow(cast):
    from tests.procurement.factories import NeedFactory
    from tests.queries import assert_pinned

    NeedFactory.create_batch(3, submitter=cast.resident)
    client = api_as(cast.community_a1)
    assert_pinned(  # count + page
        lambda: client.get(URL),
        lambda: NeedFactory.create_batch(10, submitter=cast.resident),
        expected=2,
    )
    assert len(client.get(URL).data["results"]) == 13


def test_submission_kicks_grouping_once_per_burst(cast, django_capture_on_commit_callbacks):
    """With the broker up, a worker groups the need right after it is saved."""
    from procurement.services.needs import intake

    intake._last_kick = 0.0
    with django_capture_on_commit_callbacks(execute=True):
        first = api_as(cast.resident).post(URL, body(), format="json")
    assert Need.objects.get(pk=first.data["id"]).topic is not None
    # A second submission within the interval sends no message; the sweep groups it.
    with django_capture_on_commit_callbacks(execute=True):
        second = api_as(cast.resident).post(URL, body(title="电梯故障"), format="json")
    assert Need.objects.get(pk=second.data["id"]).grouped_at is None


# --- Rules the service holds for every door (web form, API, admin, import) -------------------


def _submit(**over):
    from procurement.services.needs import submit_need
    from tests.procurement.factories import category, community

    data = {
        "channel": "api",
        "community": community(),
        "category": category(),
        "title": "老年餐桌午饭不够",
        "text": "三号楼老年餐桌中午饭菜经常不够",
        "contact_phone": "13812345678",
        "anonymous": False,
    }
    data.update(over)
    return submit_need(**data)


def test_a_phone_number_or_anonymous_is_the_services_rule(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _submit(contact_phone="")
    assert exc.value.error_dict["contact_phone"][0].code == "contact_required"
    # The API accepted a need with neither before the rule moved into the service.
    r = api_as(cast.resident).post(URL, body(contact_phone=""), format="json")
    assert r.status_code == 400 and list(r.data["fields"]) == ["contact_phone"]
    assert not Need.objects.exists()
    r = api_as(cast.resident).post(URL, body(contact_phone="", anonymous=True), format="json")
    assert r.status_code == 201 and r.data["anonymous"] is True
    # The 12345 hotline and staff reports keep the caller's record elsewhere.
    assert _submit(channel="hotline_12345", contact_phone="").pk


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 120), ("text", 2000), ("address", 200), ("contact_name", 60)],
)
def test_every_stored_text_has_its_limit_in_the_service(cast, field, limit):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        _submit(**{field: "字" * (limit + 1)})
    error = exc.value.error_dict[field][0]
    assert error.code == "too_long"
    assert f"{limit}" in exc.value.message_dict[field][0]
    assert f"{limit + 1}" in exc.value.message_dict[field][0]
    assert not Need.objects.exists()
    assert len(getattr(_submit(**{field: "字" * limit}), field)) == limit


def test_an_overlong_description_never_reaches_the_table_through_any_door(cast):
    r = api_as(cast.resident).post(URL, body(text="字" * 2001), format="json")
    assert r.status_code == 400 and "text" in r.data["fields"]
    assert not Need.objects.exists()


@pytest.mark.parametrize("channel", ["web_form", "api", "changping_app", "huitian_platform"])
def test_a_resident_channel_that_does_not_say_anonymous_asks_for_a_phone(cast, channel):
    """`anonymous` defaults to False: a door that forgets to pass it cannot skip the rule."""
    from django.core.exceptions import ValidationError

    from procurement.services.needs import submit_need
    from tests.procurement.factories import category, community

    with pytest.raises(ValidationError) as exc:
        submit_need(
            channel=channel, community=community(), category=category(), title="送餐", text="送餐"
        )
    assert list(exc.value.error_dict) == ["contact_phone"]
    assert not Need.objects.exists()
    for exempt in ("hotline_12345", "staff_report"):
        need = submit_need(
            channel=exempt, community=community(), category=category(), title="送餐", text="送餐"
        )
        assert need.pk and not need.anonymous


def test_the_api_without_phone_or_anonymous_answers_400_naming_contact_phone(cast):
    data = body()
    del data["contact_phone"]
    r = api_as(cast.resident).post(URL, data, format="json")
    assert r.status_code == 400 and "contact_phone" in r.data["fields"], r.data
    assert not Need.objects.exists()
