"""Residents' sign-up and sign-in pages, and a home page for each role (issue 13, 1 and 3)."""

import pytest
from django.test import Client

from huitian import sms
from huitian.models import Role, User
from tests.conftest import COMMUNITY_A1, make_user
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
PHONE = "13700001111"


@pytest.fixture(autouse=True)
def _sms(settings):
    settings.SMS_BACKEND = "huitian.sms.LocMemBackend"
    sms.outbox.clear()


def community_pk(cast):
    return str(cast.area(COMMUNITY_A1).pk)


def test_sign_up_on_the_web_then_sign_in_with_a_code(cast, settings):
    from django.urls import reverse

    assert reverse("signup") == "/accounts/signup/"  # the page, not the API's door
    assert 'href="/accounts/signup/"' in Client().get("/").content.decode()
    client = Client(REMOTE_ADDR="10.3.3.3")
    r = client.post("/accounts/signup/", {"phone": "137-0000-1111", "action": "send"})
    assert r.status_code == 200 and len(sms.outbox) == 1
    assert "已通过短信发送" in r.content.decode()
    code = sms.outbox[-1].code
    r = client.post(
        "/accounts/signup/",
        {
            "phone": PHONE,
            "code": "000000" if code != "000000" else "111111",
            "action": "signup",
            "community": community_pk(cast),
        },
    )
    assert "验证码不对" in r.content.decode() and not User.objects.filter(username=PHONE).exists()
    r = client.post(
        "/accounts/signup/",
        {
            "phone": PHONE,
            "code": code,
            "community": community_pk(cast),
            "real_name": "李雷",
            "action": "signup",
        },
    )
    assert r.status_code == 302
    user = User.objects.get(username=PHONE)
    assert user.first_name == "李雷" and not user.has_usable_password()
    home = client.get("/").content.decode()
    assert 'data-url-name="procurement:my-needs"' in home

    settings.SMS_RESEND_SECONDS = 0  # (one code a minute per number)
    other = Client(REMOTE_ADDR="10.3.3.4")
    other.post("/accounts/login/code/", {"phone": PHONE, "action": "send"})
    r = other.post(
        "/accounts/login/code/?next=https://evil.example/",
        {"phone": PHONE, "code": sms.outbox[-1].code, "action": "signin"},
    )
    assert r.status_code == 302 and r["Location"] == "/"


def test_account_page_erases_on_request(cast):
    client = Client()
    client.force_login(cast.resident)
    assert "注销账号" in client.get("/accounts/me/").content.decode()
    r = client.post("/accounts/me/", {})
    assert r.status_code == 200  # not confirmed: nothing happens
    r = client.post("/accounts/me/", {"confirm": "on"})
    assert r.status_code == 302
    cast.resident.refresh_from_db()
    assert not cast.resident.is_active and cast.resident.username.startswith("erased-")
    assert client.get("/needs/mine/").status_code == 302  # signed out


def tiles(client) -> str:
    html = client.get("/").content.decode()
    start = html.index('data-testid="for-you"')
    return html[start : html.index('data-testid="services"')]


def test_home_shows_each_role_what_it_uses(cast):
    visitor = Client()
    mine = tiles(visitor)
    assert "procurement:need-new" in mine and '"signup"' in mine
    assert "admin:index" not in mine and "swagger-ui" not in mine

    resident = Client()
    resident.force_login(cast.resident)
    html = resident.get("/").content.decode()
    mine = tiles(resident)
    assert "procurement:my-needs" in mine and "admin:index" not in mine
    assert "swagger-ui" not in html and "/admin/" not in html
    assert 'href="/needs/mine/"' in html  # in the navigation too

    staff = Client()
    staff.force_login(cast.community_a1)
    mine = tiles(staff)
    assert "admin:index" in mine and "procurement:need-queue" in mine
    assert "procurement:my-needs" not in mine

    org = OrganizationFactory()
    member = make_user("member1", Role.ORG_MEMBER, organization=org)
    client = Client()
    client.force_login(member)
    mine = tiles(client)
    assert "procurement:assigned-needs" in mine and "registry:portal" in mine
    assert "admin:index" not in mine
