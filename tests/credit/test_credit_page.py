"""C4: the public credit page as served from its cache. Anonymous readers get the whole
page from the cache (their own CSRF token put in); signed-in readers get the cached body
in a shell rendered for them. Every change shows at once (test_disclosure.py)."""

import re
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse

from credit import services
from huitian.models import Role
from tests.conftest import make_user
from tests.credit.factories import FiledGroupFactory, old_organization
from tests.queries import assert_pinned, count_queries

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def listed(cast):
    org = old_organization(FiledGroupFactory, name="回龙观缓存合唱队")
    services.enter_list(
        organization_id=org.pk,
        kind="anomaly",
        cause="light_penalty",
        legal_basis="第九条第五项",
        by=cast.district,
    )
    return org


def test_each_anonymous_reader_of_the_cached_page_gets_their_own_csrf_token(cast):
    """The language switch on the page posts with the reader's token: a token cached
    with the page would be another reader's, refused with 403."""
    url = f"/credit/organizations/{listed(cast).pk}/"
    Client().get(url)  # renders and caches the page
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        assert count_queries(lambda reader=reader: reader.get(url)) == 1  # from the cache
        html = reader.get(url).content.decode()
        token = TOKEN.search(html).group(1)
        assert token != "credit-page-csrf-slot"
        switched = reader.post(
            reverse("set_language"),
            {"language": "en", "next": url, "csrfmiddlewaretoken": token},
        )
        assert switched.status_code == 302
        assert '<html lang="en">' in reader.get(url).content.decode()


def test_signed_in_readers_and_anonymous_ones_never_get_each_others_page(cast):
    org = listed(cast)
    url = f"/credit/organizations/{org.pk}/"
    anonymous = Client()
    anonymous.get(url)  # the whole page cached for anonymous readers
    logout, admin = reverse("logout"), reverse("admin:index")
    member = Client()
    member.force_login(make_user("cache_member", Role.ORG_MEMBER, organization=org))
    staff = Client()
    staff.force_login(cast.district)
    for _ in range(2):  # rendered, then with the body from the cache
        mine = member.get(url).content.decode()
        assert f"/credit/organizations/{org.pk}/appeal/?entry=" in mine
        assert f'action="{logout}"' in mine
        theirs = staff.get(url).content.decode()
        assert f'href="{admin}"' in theirs and "appeal/?entry=" not in theirs
        public = anonymous.get(url).content.decode()
        assert logout not in public and admin not in public
        assert "appeal/?entry=" not in public and "第九条第五项" in public


def test_a_signed_in_reader_runs_as_many_queries_however_many_events(cast):
    org = listed(cast)
    url = f"/credit/organizations/{org.pk}/"
    member = Client()
    member.force_login(make_user("count_member", Role.ORG_MEMBER, organization=org))

    def grow():
        for i in range(5):
            services.record_credit_event(organization_id=org.pk, kind="honour", summary=f"表彰{i}")
        member.get(url)  # the changed body rendered once

    assert_pinned(lambda: member.get(url), grow)


def test_a_renamed_organization_shows_its_new_name_at_once(cast):
    org = listed(cast)
    url = f"/credit/organizations/{org.pk}/"
    client = Client()
    assert "回龙观缓存合唱队" in client.get(url).content.decode()
    org.name = "回龙观更名合唱团"
    org.save()
    html = client.get(url).content.decode()
    assert "回龙观更名合唱团" in html and "回龙观缓存合唱队" not in html


def test_a_message_waiting_for_an_anonymous_reader_is_shown_on_the_cached_page(cast):
    url = f"/credit/organizations/{listed(cast).pk}/"
    client = Client()
    client.get(url)  # cached without the message
    storage = CookieStorage(HttpRequest())
    storage.add(constants.INFO, "一条等待显示的消息")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies[storage.cookie_name] = carrier.cookies[storage.cookie_name].value
    assert "一条等待显示的消息" in client.get(url).content.decode()
    assert "一条等待显示的消息" not in client.get(url).content.decode()  # shown once


def test_the_language_switch_returns_to_the_address_the_reader_came_from(cast):
    url = f"/credit/organizations/{listed(cast).pk}/"
    client = Client()
    client.get(url)
    assert f'name="next" type="hidden" value="{url}"' in client.get(url).content.decode()
    html = client.get(url, {"from": "lists"}).content.decode()
    assert f'name="next" type="hidden" value="{url}?from=lists"' in html


def test_a_page_this_process_served_is_served_again_without_the_shared_cache(cast):
    from credit import views

    org = listed(cast)
    url = f"/credit/organizations/{org.pk}/"
    client = Client()
    first = client.get(url).content.decode()
    unread = mock.patch.object(views, "cache", mock.Mock(get=mock.Mock(side_effect=AssertionError)))
    with unread:
        assert count_queries(lambda: client.get(url)) == 1
        again = client.get(url).content.decode()
    assert TOKEN.sub("", again) == TOKEN.sub("", first)
    services.record_credit_event(organization_id=org.pk, kind="honour", summary="新表彰")
    assert "新表彰" in client.get(url).content.decode()  # a new version: rendered again


def test_the_process_keeps_only_its_most_recent_pages():
    from credit.views import RecentPages

    pages = RecentPages(size=2)
    pages.set("a", "A")
    pages.set("b", "B")
    assert pages.get("a") == "A"  # now the most recent
    pages.set("c", "C")
    assert (pages.get("a"), pages.get("b"), pages.get("c")) == ("A", None, "C")
