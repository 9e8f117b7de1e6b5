"""Community pickers in every admin come grouped by street (issue 13, item 10).

`ScopedAdmin` carries the grouping, so each app's admin (procurement, registry,
volunteers, credit and any new one) gets it without asking; a community whose name
another street also uses says which street it is once chosen.
"""

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory

from huitian.admin_base import ScopedAdmin
from huitian.forms import AreasByStreet
from huitian.models import Area
from tests.conftest import COMMUNITY_A1, STREET_A, STREET_B

pytestmark = pytest.mark.django_db


def area_fields():
    """(admin, field) of every Area picker a ScopedAdmin shows as a plain select."""
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ScopedAdmin):
            continue
        for field in model._meta.fields:
            if (
                field.is_relation
                and field.related_model is Area
                and field.name not in model_admin.raw_id_fields
                and field.name not in (model_admin.autocomplete_fields or ())
            ):
                yield model_admin, field


def test_every_apps_area_select_is_grouped_by_street(cast):
    request = RequestFactory().get("/admin/")
    request.user = cast.district
    apps_seen = set()
    for model_admin, field in area_fields():
        formfield = model_admin.formfield_for_foreignkey(field, request)
        assert formfield.iterator is AreasByStreet, (model_admin, field.name)
        apps_seen.add(model_admin.opts.app_label)
    assert {"procurement", "registry", "volunteers", "credit"} <= apps_seen


def test_credit_nomination_add_form_groups_communities_under_streets(cast, client_as):
    html = client_as(cast.district).get("/admin/credit/nomination/add/").content.decode()
    community = re.search(r'<select name="community".*?</select>', html, re.S).group(0)
    street_a, street_b = cast.area(STREET_A).name, cast.area(STREET_B).name
    assert f'<optgroup label="{street_a}">' in community
    assert f'<optgroup label="{street_b}">' in community
    a1 = cast.area(COMMUNITY_A1)
    group_a = community.split(f'<optgroup label="{street_a}">')[1].split("</optgroup>")[0]
    assert f">{a1.name}</option>" in group_a


def test_namesakes_in_two_streets_say_their_street(cast, client_as):
    a1 = cast.area(COMMUNITY_A1)
    Area.objects.create(
        code="110114008999", name=a1.name, level=Area.Level.COMMUNITY, parent=cast.area(STREET_B)
    )
    html = client_as(cast.district).get("/admin/credit/nomination/add/").content.decode()
    community = re.search(r'<select name="community".*?</select>', html, re.S).group(0)
    assert f">{cast.area(STREET_A).name} · {a1.name}</option>" in community
    assert f">{cast.area(STREET_B).name} · {a1.name}</option>" in community
    # A name no other street uses stays short.
    other = Area.objects.filter(parent=cast.area(STREET_A), level="community").exclude(pk=a1.pk)[0]
    assert f">{other.name}</option>" in community


def test_procurement_need_add_form_still_groups(cast, client_as):
    html = client_as(cast.street_a).get("/admin/procurement/need/add/").content.decode()
    community = re.search(r'<select name="community".*?</select>', html, re.S).group(0)
    assert f'<optgroup label="{cast.area(STREET_A).name}">' in community
