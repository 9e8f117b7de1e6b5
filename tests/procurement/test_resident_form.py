"""The need form's details (issue 13, items 4 and 5): grouped categories with a
suggestion from the words, phone numbers as people write them, limits in plain words."""

import pytest
from django.test import Client

from huitian.validators import normalize_phone, validate_phone
from procurement.models import Need
from procurement.services import suggest
from procurement.text import tokenize
from tests.conftest import COMMUNITY_A1, api_as
from tests.procurement.factories import category, community, web_need

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("138-1234-5678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("１３８－１２３４－５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("(010) 69712345", "01069712345"),
        ("010-69712345", "010-69712345"),
        ("０１０－６９７１２３４５", "010-69712345"),
    ],
)
def test_phone_numbers_as_people_write_them(written, stored):
    validate_phone(written)
    assert normalize_phone(written) == stored


def test_phone_still_refuses_what_is_not_a_number():
    from django.core.exceptions import ValidationError

    for bad in ("1", "138-1234-567", "abc", "12345678901"):
        with pytest.raises(ValidationError):
            validate_phone(bad)


def form_data(**extra):
    data = {
        "community": str(community(COMMUNITY_A1).pk),
        "category": str(category("parking").pk),
        "title": "楼道堆物",
        "text": "三号楼楼道里堆满了纸箱和旧家具",
        "contact_phone": "１３８-１２３４-５６７８",
    }
    data.update(extra)
    return data


def test_web_form_takes_dashed_full_width_phone(cast):
    r = Client().post("/needs/new/", form_data())
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Need.objects.get().contact_phone == "13812345678"


def test_too_long_text_is_refused_in_plain_words(cast):
    r = Client().post("/needs/new/", form_data(text="字" * 2001))
    html = r.content.decode()
    assert r.status_code == 200 and not Need.objects.exists()
    assert "最多写 2000 个字，现在是 2001 个字" in html and "确保" not in html
    # The counter is on the page before anything is sent.
    assert 'data-counter-for="id_text"' in Client().get("/needs/new/").content.decode()


def test_categories_grouped_under_their_parents_with_search(cast):
    html = Client().get("/needs/new/").content.decode()
    assert '<optgroup label="物业服务">' in html and 'id="category-search"' in html
    assert "js/need_form.js" in html and "<script>" not in html


def test_suggestion_from_past_needs_and_names(cast):
    for text in ("楼道堆物影响消防通道", "楼道里堆满杂物", "单元门口堆物没人清理"):
        need = web_need(text, cat="property_management")
        Need.objects.filter(pk=need.pk).update(
            tokens=" ".join(tokenize(text)),
            grouped_at=need.created_at,
        )
    web_need("老人吃饭难", cat="elderly_meals")
    suggest.forget()
    rows = Client().get("/needs/new/suggest/", {"title": "楼道堆物", "text": ""}).json()
    assert rows["suggestions"][0]["code"] == "property_management"
    assert rows["suggestions"][0]["group"] == "物业服务"
    # A category nobody used yet is still found by its own name.
    rows = Client().get("/needs/new/suggest/", {"title": "停车", "text": "小区停车位不够"}).json()
    assert rows["suggestions"][0]["code"] == "parking"
    assert Client().get("/needs/new/suggest/", {"text": ""}).json() == {"suggestions": []}


def test_token_endpoint_and_parse_errors_in_plain_chinese(api, cast):
    r = api_as(cast.resident).generic(
        "POST",
        "/api/v1/needs/",
        '{"title": "x",',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = r.json()
    assert r.status_code == 400 and body["code"] == "parse_error"
    assert "不是有效的 JSON" in body["detail"] and "Expecting" not in body["detail"]
    r = api.post(
        "/api/v1/auth/token/",
        {"username": "resident", "password": "nope"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 401 and "密码不对" in r.json()["detail"]
