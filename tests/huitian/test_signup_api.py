"""Residents sign up, sign in and leave through the API, as the 回天有我 app does."""

import logging

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from huitian import sms
from huitian.models import PhoneCode, Role, RoleAssignment, User
from procurement.models import Need
from tests.conftest import COMMUNITY_A1
from tests.procurement.factories import NeedFactory

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "huitian.sms.LocMemBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def last_code(phone=PHONE) -> str:
    return [m for m in sms.outbox if m.phone == phone][-1].code


def app(ip="10.1.1.1") -> APIClient:
    return APIClient(REMOTE_ADDR=ip)


def sign_up(client, phone=PHONE, **extra):
    r = client.post("/api/v1/auth/sms-code/", {"phone": phone, "purpose": "sign_up"})
    assert r.status_code == 202, r.content
    body = {"phone": phone, "code": last_code(phone.replace("-", "")), "community": COMMUNITY_A1}
    return client.post("/api/v1/auth/signup/", {**body, **extra})


def test_sign_up_submit_follow_rate_journey(areas, caplog):
    caplog.set_level(logging.DEBUG)
    client = app()
    r = sign_up(client, phone="139-1234-5678", password="a-long-pass-phrase-42")
    assert r.status_code == 201, r.content
    tokens = r.json()
    user = User.objects.get(pk=tokens["user"])
    assert user.username == user.phone == PHONE and user.first_name == ""
    assert RoleAssignment.objects.get(user=user).role == Role.RESIDENT
    # The code is never stored nor logged: only its keyed hash.
    code = sms.outbox[-1].code
    assert code not in caplog.text
    assert all(code not in row.code_hash for row in PhoneCode.objects.all())

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == PHONE and me["roles"][0]["role"] == "resident"
    r = client.post(
        "/api/v1/needs/",
        {
            "community": COMMUNITY_A1,
            "category": "elderly_meals",
            "title": "楼道堆物",
            "text": "楼道里堆了很多杂物，影响通行",
            "contact_phone": "１３９１２３４５６７８",
        },
    )
    assert r.status_code == 201, r.content
    need = Need.objects.get(pk=r.json()["id"])
    assert need.submitter == user and need.contact_phone == PHONE
    mine = client.get("/api/v1/needs/").json()["results"]
    assert [n["id"] for n in mine] == [need.pk]

    # Password sign-in with the mobile number; wrong password in plain Chinese.
    r = app().post("/api/v1/auth/token/", {"username": PHONE, "password": "a-long-pass-phrase-42"})
    assert r.status_code == 200 and r.json()["access"]
    r = app().post(
        "/api/v1/auth/token/",
        {"username": PHONE, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 401
    assert "密码不对" in r.json()["detail"] and "credentials" not in r.json()["detail"]


def test_code_sign_in_without_password(areas, settings):
    assert sign_up(app()).status_code == 201
    user = User.objects.get(username=PHONE)
    assert not user.has_usable_password()
    settings.SMS_RESEND_SECONDS = 0  # one code a minute per number, whatever it is for
    client = app("10.1.1.2")
    assert (
        client.post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_in"}).status_code
        == 202
    )
    r = client.post("/api/v1/auth/sms-token/", {"phone": PHONE, "code": "000000"})
    assert r.status_code == 400 and "code" in r.json()["fields"]
    r = client.post("/api/v1/auth/sms-token/", {"phone": PHONE, "code": last_code()})
    assert r.status_code == 200 and r.json()["user"] == user.pk
    # A code is spent once.
    r = client.post("/api/v1/auth/sms-token/", {"phone": PHONE, "code": last_code()})
    assert r.status_code == 400


def test_codes_expire_and_allow_few_tries(areas, settings, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = app()
    client.post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"})
    body = {"phone": PHONE, "code": last_code(), "community": COMMUNITY_A1}
    time_machine.shift(settings.SMS_CODE_TTL_SECONDS + 1)
    r = client.post("/api/v1/auth/signup/", body)
    assert r.status_code == 400 and "code" in r.json()["fields"]
    assert not User.objects.filter(username=PHONE).exists()

    time_machine.shift(settings.SMS_RESEND_SECONDS)
    client.post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"})
    good = last_code()
    wrong = "111111" if good != "111111" else "222222"
    for _ in range(settings.SMS_CODE_MAX_ATTEMPTS):
        r = client.post("/api/v1/auth/signup/", {**body, "code": wrong})
        assert r.status_code == 400
    # Even the right code no longer works after too many wrong tries.
    r = client.post("/api/v1/auth/signup/", {**body, "code": good})
    assert r.status_code == 400 and "重新获取" in r.json()["fields"]["code"][0]


def test_throttled_per_number_and_per_address(areas, settings):
    client = app()
    assert (
        client.post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"}).status_code
        == 202
    )
    r = client.post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"})
    assert r.status_code == 429 and r.json()["code"] == "throttled"
    assert len(sms.outbox) == 1

    settings.SMS_PER_ADDRESS_HOUR = 3
    settings.SMS_RESEND_SECONDS = 0
    for n in range(2):
        phone = f"1391234{n:04d}"
        r = client.post("/api/v1/auth/sms-code/", {"phone": phone, "purpose": "sign_up"})
        assert r.status_code == 202, r.content
    r = client.post("/api/v1/auth/sms-code/", {"phone": "13912349999", "purpose": "sign_up"})
    assert r.status_code == 429
    # Another address still gets its code; the number's hourly cap holds everywhere.
    assert (
        app("10.9.9.9")
        .post("/api/v1/auth/sms-code/", {"phone": "13912349999", "purpose": "sign_up"})
        .status_code
        == 202
    )
    settings.SMS_PER_NUMBER_HOUR = 2
    r = app("10.9.9.8").post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"})
    r = app("10.9.9.7").post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"})
    assert r.status_code == 429


def test_refusals(areas, cast):
    client = app()
    r = client.post("/api/v1/auth/sms-code/", {"phone": "0106971234", "purpose": "sign_up"})
    assert r.status_code == 400 and "phone" in r.json()["fields"]
    # Sign-in codes go only to numbers with an account.
    r = client.post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_in"})
    assert r.status_code == 400 and not sms.outbox
    # A street is not a home community.
    client.post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"})
    r = client.post(
        "/api/v1/auth/signup/", {"phone": PHONE, "code": last_code(), "community": "110114011"}
    )
    assert r.status_code == 400 and "community" in r.json()["fields"]
    assert sign_up(app("10.2.2.2"), phone="13912340000").status_code == 201
    r = app("10.2.2.3").post(
        "/api/v1/auth/sms-code/", {"phone": "13912340000", "purpose": "sign_up"}
    )
    assert r.status_code == 400  # already an account: sign in instead


def test_link_anonymous_need_then_erase_account(areas, cast):
    tokens = sign_up(app()).json()
    client = app()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    earlier = NeedFactory(submitter=None, anonymous=True, contact_phone="")
    others = NeedFactory(submitter=cast.resident)
    r = client.post("/api/v1/needs/link/", {"tracking_code": earlier.tracking_code.lower()})
    assert r.status_code == 200, r.content
    assert r.json()["id"] == earlier.pk
    earlier.refresh_from_db()
    assert earlier.submitter_id == tokens["user"]
    # Another resident's need cannot be taken over with its code.
    r = client.post("/api/v1/needs/link/", {"tracking_code": others.tracking_code})
    assert r.status_code == 409
    r = client.post("/api/v1/needs/link/", {"tracking_code": "NOSUCHCODE"})
    assert r.status_code == 400

    r = client.post(
        "/api/v1/needs/",
        {
            "community": COMMUNITY_A1,
            "category": "elderly_meals",
            "title": "路灯坏了",
            "text": "小区门口路灯不亮",
            "contact_name": "王芳",
            "contact_phone": PHONE,
        },
    )
    own = Need.objects.get(pk=r.json()["id"])
    r = client.delete("/api/v1/me/account/")
    assert r.status_code == 204
    user = User.objects.get(pk=tokens["user"])
    assert not user.is_active and user.phone == "" and PHONE not in user.username
    assert not RoleAssignment.objects.filter(user=user).exists()
    own.refresh_from_db()
    # The need and its figures stay; the person does not.
    assert own.community.code == COMMUNITY_A1 and own.state == "received"
    assert own.submitter is None and own.contact_phone == "" and own.contact_name == ""
    # The old token is dead.
    assert client.get("/api/v1/me/").status_code == 401
    # Staff cannot be erased through this door.
    staff = APIClient()
    staff.force_authenticate(cast.community_a1)
    assert staff.delete("/api/v1/me/account/").status_code == 400


def test_signup_is_in_the_schema(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/auth/sms-code/",
        "/api/v1/auth/signup/",
        "/api/v1/auth/sms-token/",
        "/api/v1/me/account/",
        "/api/v1/needs/link/",
    ):
        assert path in schema["paths"], path
    assert "429" in schema["paths"]["/api/v1/auth/sms-code/"]["post"]["responses"]


def test_aliyun_adapter_signs_requests(settings, monkeypatch):
    settings.SMS_ALIYUN_ACCESS_KEY_ID = "testid"
    settings.SMS_ALIYUN_ACCESS_KEY_SECRET = "testsecret"
    settings.SMS_ALIYUN_SIGN_NAME = "回天有我"
    settings.SMS_ALIYUN_TEMPLATE_CODE = "SMS_1"
    backend = sms.AliyunBackend()
    params = backend.signed_params(PHONE, "123456", nonce="n1", timestamp="2026-01-01T00:00:00Z")
    assert params["Action"] == "SendSms" and params["PhoneNumbers"] == PHONE
    assert params["TemplateParam"] == '{"code": "123456"}' and params["Signature"]
    # Same inputs, same signature; another secret, another one.
    assert (
        backend.signed_params(PHONE, "123456", nonce="n1", timestamp="2026-01-01T00:00:00Z")[
            "Signature"
        ]
        == params["Signature"]
    )
    sent = []

    class Answer:
        def __init__(self, body):
            self.body = body

        def read(self):
            return self.body

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

    def fake_urlopen(url, timeout):
        sent.append(url)
        return Answer(b'{"Code": "OK"}')

    monkeypatch.setattr(sms.urllib.request, "urlopen", fake_urlopen)
    backend.send_code(PHONE, "123456")
    assert sent[0].startswith("https://dysmsapi.aliyuncs.com/?") and "Signature=" in sent[0]
    monkeypatch.setattr(
        sms.urllib.request, "urlopen", lambda url, timeout: Answer(b'{"Code": "isv.BUSINESS"}')
    )
    with pytest.raises(sms.SMSError) as exc:
        backend.send_code(PHONE, "123456")
    assert "123456" not in str(exc.value)


def test_console_backend_prints_for_developers(settings, capsys):
    settings.SMS_BACKEND = "huitian.sms.ConsoleBackend"
    sms.send_code(PHONE, "654321")
    assert "654321" in capsys.readouterr().out


def test_provider_failure_is_a_plain_refusal(areas, settings):
    settings.SMS_BACKEND = "huitian.sms.AliyunBackend"  # not configured here
    r = app().post("/api/v1/auth/sms-code/", {"phone": PHONE, "purpose": "sign_up"})
    assert r.status_code == 409 and r.json()["code"] == "sms_unavailable"
    # Nothing is left behind that would throttle the next try for long.
    assert PhoneCode.objects.count() == 0
