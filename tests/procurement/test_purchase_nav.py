"""The navigation leads organization members to their purchases and everyone to the
public disclosure of purchases."""

import pytest
from django.test import Client

from tests.procurement import factories as f
from tests.registry.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_everyone_sees_the_disclosure_link_members_also_their_purchases(cast, client_as):
    anonymous = Client().get("/").content.decode()
    assert 'href="/purchases/public/"' in anonymous
    assert 'href="/purchases/"' not in anonymous
    member = f.member_of(OrganizationFactory())
    page = client_as(member).get("/purchases/public/").content.decode()
    assert 'href="/purchases/"' in page and 'href="/purchases/public/"' in page
    staff = client_as(cast.street_a).get("/").content.decode()
    assert 'href="/purchases/"' not in staff
